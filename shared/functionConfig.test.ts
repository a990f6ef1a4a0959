import { ErrorCode, ProtocolError } from './index';
import { appKeyOf, loadConfig } from './functionConfig';
import type { ConfigResult, JrtcConfig } from './functionConfig';

function config(result: ConfigResult): JrtcConfig {
  if (!result.ok) throw new Error(`expected a valid config, got ${result.error.message}`);
  return result.config;
}

function errorOf(result: ConfigResult): ProtocolError {
  if (result.ok) throw new Error('expected a config error');
  return result.error;
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(config(loadConfig({}))).toEqual({
      apps: {},
      mediaProvider: 'nms',
      pushDomains: [],
      pullDomains: [],
      pushKey: '',
      pullKey: '',
      mediaApp: 'live',
      urlTtlSeconds: 600,
      pullScheme: 'http',
      tokenTtlSeconds: 3600,
      bindUserToOpenid: true,
      defaultStagePolicy: 'open',
      heartbeatMs: 30_000,
      leaseMs: 40_000,
      issuePolicy: 'open',
      kickBanSeconds: 600,
      ownerGrants: { mode: 'none' },
      userIds: 'caller',
      callRingSeconds: 30,
      callTemplate: null,
      roomBackend: 'rtmp',
      trtc: null,
    });
  });

  it('reads every variable', () => {
    const c = config(
      loadConfig({
        JRTC_APPS: '{"app-1":"key-1","app-2":"key-2"}',
        JRTC_MEDIA_PROVIDER: 'tencent-css',
        JRTC_PUSH_DOMAINS: 'push.example.com, push2.example.com:1935',
        JRTC_PULL_DOMAINS: 'play.example.com',
        JRTC_PUSH_KEY: 'pk',
        JRTC_PULL_KEY: 'pl',
        JRTC_MEDIA_APP: 'audio',
        JRTC_URL_TTL_SECONDS: '120',
        JRTC_PULL_SCHEME: 'http',
        JRTC_TOKEN_TTL_SECONDS: '600',
        JRTC_BIND_USER_TO_OPENID: 'false',
        JRTC_DEFAULT_STAGE_POLICY: 'invite',
        JRTC_HEARTBEAT_MS: '10000',
        JRTC_LEASE_MS: '15000',
        JRTC_ISSUE_POLICY: 'off',
        JRTC_KICK_BAN_SECONDS: '60',
        JRTC_OWNER_GRANTS: 'allow:o-1,o-2',
        JRTC_USER_IDS: 'any',
        JRTC_CALL_RING_SECONDS: '45',
        JRTC_CALL_TEMPLATE: '{"id":"tmpl-1","page":"pages/service/service","data":{"thing1":"{callerName}","time2":"{time}"}}',
        JRTC_ROOM_BACKEND: 'trtc',
        JRTC_TRTC_SDKAPPID: '1400000001',
        JRTC_TRTC_SECRET_KEY: 'a'.repeat(64),
      }),
    );
    expect(c).toEqual({
      apps: { 'app-1': 'key-1', 'app-2': 'key-2' },
      mediaProvider: 'tencent-css',
      pushDomains: ['push.example.com', 'push2.example.com:1935'],
      pullDomains: ['play.example.com'],
      pushKey: 'pk',
      pullKey: 'pl',
      mediaApp: 'audio',
      urlTtlSeconds: 120,
      pullScheme: 'http',
      tokenTtlSeconds: 600,
      bindUserToOpenid: false,
      defaultStagePolicy: 'invite',
      heartbeatMs: 10_000,
      leaseMs: 15_000,
      issuePolicy: 'off',
      kickBanSeconds: 60,
      ownerGrants: { mode: 'allow', openids: ['o-1', 'o-2'] },
      userIds: 'any',
      callRingSeconds: 45,
      callTemplate: { id: 'tmpl-1', page: 'pages/service/service', data: { thing1: '{callerName}', time2: '{time}' } },
      roomBackend: 'trtc',
      trtc: { sdkAppId: 1400000001, secretKey: 'a'.repeat(64) },
    });
  });

  it('refuses half a TRTC application, naming the missing variable', () => {
    for (const [set, missing] of [['JRTC_TRTC_SDKAPPID', 'JRTC_TRTC_SECRET_KEY'], ['JRTC_TRTC_SECRET_KEY', 'JRTC_TRTC_SDKAPPID']]) {
      const result = loadConfig({ [set]: set === 'JRTC_TRTC_SDKAPPID' ? '1400000001' : 'b'.repeat(64) });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.details).toEqual([{ variable: missing, message: 'JRTC_TRTC_SDKAPPID and JRTC_TRTC_SECRET_KEY go together' }]);
    }
  });

  it('pulls over https from CDNs and over http from node-media-server unless told otherwise', () => {
    expect(config(loadConfig({ JRTC_MEDIA_PROVIDER: 'tencent-css' })).pullScheme).toBe('https');
    expect(config(loadConfig({ JRTC_MEDIA_PROVIDER: 'aliyun-a' })).pullScheme).toBe('https');
    expect(config(loadConfig({ JRTC_MEDIA_PROVIDER: 'nms' })).pullScheme).toBe('http');
    expect(config(loadConfig({ JRTC_MEDIA_PROVIDER: 'nms', JRTC_PULL_SCHEME: 'https' })).pullScheme).toBe('https');
  });

  it('uses the push key for pulls unless a pull key is set; empty values count as unset', () => {
    expect(config(loadConfig({ JRTC_PUSH_KEY: 'k', JRTC_PULL_KEY: '' })).pullKey).toBe('k');
    expect(config(loadConfig({ JRTC_MEDIA_APP: '  ' })).mediaApp).toBe('live');
  });

  it.each([
    ['JRTC_APPS', 'not json'],
    ['JRTC_APPS', '["a"]'],
    ['JRTC_APPS', '{"a:b":"k"}'],
    ['JRTC_APPS', '{"a":""}'],
    ['JRTC_MEDIA_PROVIDER', 'youtube'],
    ['JRTC_ROOM_BACKEND', 'webrtc'],
    ['JRTC_TRTC_SDKAPPID', '14e8'],
    ['JRTC_TRTC_SECRET_KEY', 'short'],
    ['JRTC_PUSH_DOMAINS', 'rtmp://x.com/live'],
    ['JRTC_PULL_DOMAINS', 'a.com,b c.com'],
    ['JRTC_MEDIA_APP', 'live/x'],
    ['JRTC_URL_TTL_SECONDS', '-5'],
    ['JRTC_URL_TTL_SECONDS', '1e3'],
    ['JRTC_PULL_SCHEME', 'ftp'],
    ['JRTC_TOKEN_TTL_SECONDS', '10'],
    ['JRTC_BIND_USER_TO_OPENID', 'maybe'],
    ['JRTC_DEFAULT_STAGE_POLICY', 'closed'],
    ['JRTC_CALL_RING_SECONDS', '2'],
    ['JRTC_CALL_TEMPLATE', 'tmpl-1'],
    ['JRTC_CALL_TEMPLATE', '{"id":"t","page":"https://x.com","data":{}}'],
    ['JRTC_CALL_TEMPLATE', '{"id":"t","page":"pages/a/a","data":{"Thing 1":"x"}}'],
    ['JRTC_HEARTBEAT_MS', 'soon'],
    ['JRTC_LEASE_MS', '1000'],
    ['JRTC_ISSUE_POLICY', 'sometimes'],
    ['JRTC_KICK_BAN_SECONDS', 'forever'],
  ])('refuses %s=%j with CONFIG_ERROR naming the variable', (name, value) => {
    const error = errorOf(loadConfig({ [name]: value }));
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toContain(name);
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ variable: name })]));
  });

  it('refuses a lease that leaves no time for a heartbeat to arrive', () => {
    const error = errorOf(loadConfig({ JRTC_HEARTBEAT_MS: '30000', JRTC_LEASE_MS: '31000' }));
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toContain('JRTC_LEASE_MS');
  });
});

describe('appKeyOf', () => {
  it('finds configured apps and refuses others', () => {
    const c = config(loadConfig({ JRTC_APPS: '{"app":"key"}' }));
    expect(appKeyOf(c, 'app')).toBe('key');
    expect(() => appKeyOf(c, 'other')).toThrow(expect.objectContaining({ code: ErrorCode.APP_UNKNOWN }));
    expect(() => appKeyOf(c, 'toString')).toThrow(expect.objectContaining({ code: ErrorCode.APP_UNKNOWN }));
  });

  it('says CONFIG_ERROR when no app is configured at all', () => {
    expect(() => appKeyOf(config(loadConfig({})), 'app')).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }),
    );
  });
});
