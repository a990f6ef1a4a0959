/** The value rules per field type (订阅消息参数值内容限制说明), with the stricter readings PROTOCOL.md names. */
import { FIELD_RULES, checkTemplates, fieldType } from './subscribeMessage';

const cases: Record<string, { ok: string[]; refused: string[] }> = {
  thing: { ok: ['语文课答疑', 'a'.repeat(20), '一'.repeat(20)], refused: ['a'.repeat(21), '一'.repeat(21)] },
  number: { ok: ['339208499', '3.14', '-2'], refused: ['1e5', '12a', '1'.repeat(33)] },
  letter: { ok: ['abc', 'A'.repeat(32)], refused: ['ab1', 'a b', 'A'.repeat(33)] },
  symbol: { ok: ['%', '!?#', '+-*/='], refused: ['a', '+-*/=%'] },
  character_string: { ok: ['BATTERY-100000001', 'x'.repeat(32)], refused: ['a b', '中文', 'x'.repeat(33)] },
  time: { ok: ['15:01', '2019年10月1日 15:01', '2024-05-01 15:01:30', '15:01~16:00', '2024/5/1 9:00 ~ 2024/5/1 10:00'], refused: ['2019年10月1日', '24:00', '15:60', '2024-05/01 15:01', 'soon'] },
  date: { ok: ['2019年10月1日', '2019年10月1日 15:01', '2024-05-01~2024-05-03'], refused: ['15:01', '2019年13月1日', '2024-05-32'] },
  amount: { ok: ['¥100', '$99.50', '￥1000000000元'], refused: ['100元', '¥12345678901', '¥1.234'] },
  phone_number: { ok: ['+86-0766-66888866', '13800138000'], refused: ['call me', '1'.repeat(18)] },
  car_number: { ok: ['粤A8Z888挂', '京A12345', 'AB123456'], refused: ['粤A8Z888挂挂', 'A-1234', 'AB1234567'] },
  name: { ok: ['王老师', 'Ann Lee', '一'.repeat(10), 'a'.repeat(20), '王Ann'], refused: ['用户410774', '一'.repeat(11), 'a'.repeat(21), '王'.repeat(5) + 'a'.repeat(6)] },
  phrase: { ok: ['配送中', '已接听'], refused: ['配送中了吗啊', 'ok', '配 送'] },
};

test.each(Object.entries(cases))('%s', (type, { ok, refused }) => {
  const rule = FIELD_RULES[type];
  expect(ok.filter((v) => !rule(v))).toEqual([]);
  expect(refused.filter((v) => rule(v))).toEqual([]);
});

test('a key names its type as WeChat does; a configuration with an unknown type or no fields is refused', () => {
  expect(['thing1', 'character_string12', 'phone_number4', 'time3', 'colour1', 'thing'].map(fieldType)).toEqual(['thing', 'character_string', 'phone_number', 'time', null, null]);
  expect(() => checkTemplates({ t: { title: 't', keys: [] } })).toThrow(/at least one field/);
  expect(() => checkTemplates({ t: { title: 't', keys: ['enum1'] } })).toThrow(/enum1/);
});
