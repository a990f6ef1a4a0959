import { chinaTime, ringMessage } from './ringing';

const template = { id: 'tmpl-1', page: 'pages/service/service', data: { thing1: '{callerName} is calling', name2: '{callerName}', time3: '{time}', thing4: '{subject}{unknown}' } };

test('a ring message fills the template, cuts values to WeChat\'s field limits and deep-links the call', () => {
  const now = Date.UTC(2026, 11, 7, 16, 5); // 00:05 on the 8th in China
  const m = ringMessage(template, 'openid-b', { callId: 'c1', appId: 'app-1', callerUserId: 'agent-7', callerName: '客服小王的超长名字用于测试截断效果', subject: 'Order 42', now });
  expect(m).toEqual({
    touser: 'openid-b',
    templateId: 'tmpl-1',
    page: 'pages/service/service?callId=c1&appId=app-1',
    data: {
      thing1: { value: '客服小王的超长名字用于测试截断效果 is' }, // 20 characters
      name2: { value: '客服小王的超长名字用' }, // 10
      time3: { value: '2026-12-08 00:05' },
      thing4: { value: 'Order 42{unknown}' },
    },
  });
  expect(Array.from(m.data.thing1.value)).toHaveLength(20);
});

test('an unnamed caller is shown by its userId; China time has no daylight saving', () => {
  const m = ringMessage(template, 'o', { callId: 'c', appId: 'a', callerUserId: 'agent-7', callerName: '', subject: '', now: 0 });
  expect(m.data.name2.value).toBe('agent-7');
  expect(chinaTime(Date.UTC(2026, 6, 1, 12, 0))).toBe('2026-07-01 20:00');
});
