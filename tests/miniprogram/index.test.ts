/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
/**
 * The landing page: renders the scenarios, keeps the chosen one, refuses a bad room id and opens
 * the scenario page with the room, nickname and part in its query (the cloud gives the userId).
 */
import { fire, setupPageTest, texts } from './harness';
import type { PageTestContext } from './harness';

let ctx: PageTestContext;

beforeAll(async () => {
  ctx = await setupPageTest();
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await ctx.cleanup();
});

type Wx = { navigateTo(o: { url: string }): Promise<unknown> };

test('renders the scenarios and enters the chosen one', async () => {
  const wx = (globalThis as unknown as { wx: Wx }).wx;
  const navigate = jest.spyOn(wx, 'navigateTo');
  const page = ctx.open('index', null);
  expect(texts(page, '.choice-title')).toEqual([
    'Online class: teacher',
    'Online class: student',
    'Customer service: agent',
    'Customer service: customer',
    'Meeting',
  ]);
  expect(page.querySelectorAll('.chosen')).toHaveLength(1);

  await fire(page.querySelectorAll('.choice')[4], 'tap');
  expect(page.data.selected).toBe('meeting-member');
  expect(page.data.room).toBe('meeting-1');

  await fire(page.querySelector('.nick'), 'input', { value: ' Ann Lee ' });
  await fire(page.querySelector('.enter'), 'tap');
  expect(navigate).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/meeting/meeting?room=meeting-1&nick=Ann%20Lee&part=member' }));
});

test('refuses a room id the protocol would refuse, and navigates nowhere', async () => {
  const wx = (globalThis as unknown as { wx: Wx }).wx;
  const navigate = jest.spyOn(wx, 'navigateTo');
  const page = ctx.open('index', null);
  await fire(page.querySelector('.room'), 'input', { value: 'room with spaces' });
  await fire(page.querySelector('.enter'), 'tap');
  expect(navigate).not.toHaveBeenCalled();
  expect(texts(page, '.notice')[0]).toContain('Room:');
});
