/**
 * The bytes of wx-server-sdk 4.0.2's openapi calls (PROTOCOL.md): node-sdk posts a multipart form
 * whose `requestData` is a protobuf `CommApiData`, and reads back a protobuf `CommOpenApiResp`. The
 * few messages involved are decoded by hand (field numbers from the SDK's src/protobuf/openapi.js)
 * so the emulator needs no protobuf runtime of its own.
 */

/** The form fields of one request; binary parts kept as bytes (undici's formData would decode them as UTF-8). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields = new Map<string, Buffer>();
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart body not terminated');
    const part = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF ahead of the delimiter
    const split = part.indexOf('\r\n\r\n');
    const name = /name="([^"]*)"/.exec(part.subarray(0, Math.max(split, 0)).toString('utf8'));
    if (split < 0 || !name) throw new Error('multipart part without a name');
    fields.set(name[1], part.subarray(split + 4));
    at = next;
  }
  return fields;
}

/** One protobuf field as read: varints as numbers, length-delimited ones as bytes. */
type Field = { no: number; varint?: number; bytes?: Buffer };

/** Reads the fields of one protobuf message (wire types 0 and 2 only: all these messages use). */
export function readMessage(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= buf.length || shift > 49) throw new Error('truncated protobuf varint');
      const byte = buf[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    if (key % 8 === 0) fields.push({ no, varint: varint() });
    else if (key % 8 === 2) {
      const length = varint();
      if (pos + length > buf.length) throw new Error('truncated protobuf field');
      fields.push({ no, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else throw new Error(`unexpected protobuf wire type ${key % 8}`);
  }
  return fields;
}

function writeVarint(out: number[], value: number): void {
  for (; value >= 0x80; value = Math.floor(value / 128)) out.push((value % 128) | 0x80);
  out.push(value);
}

/** Encodes a message of length-delimited fields (strings, bytes), in the order given. */
export function writeMessage(fields: ReadonlyArray<readonly [no: number, value: string | Buffer]>): Buffer {
  const out: number[] = [];
  for (const [no, value] of fields) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    writeVarint(out, no * 8 + 2);
    writeVarint(out, bytes.length);
    out.push(...bytes);
  }
  return Buffer.from(out);
}

/** CommApiData.ApiType: how the SDK wraps the call. */
export const API_TYPE = { OPEN_API: 0, SVRKIT_API: 2 } as const;

/** What a CommApiData carries: the openapi parameters (JSON text by key) or a svrkit call. */
export interface CommApiData {
  apiType: number;
  /** OpenApiData.pairs: each value is the JSON text of one snake_case parameter. */
  pairs: Map<string, string>;
  svrkit: { apiName: string; reqData: Buffer } | null;
  /** Set for a cross-account call (`cloud.openapi({appid})`). */
  appid: string;
}

/** Decodes CommApiData (fields 1 apiType, 2 openapiData, 4 svrkitData, 6 appid). */
export function decodeCommApiData(buf: Buffer): CommApiData {
  const data: CommApiData = { apiType: API_TYPE.OPEN_API, pairs: new Map(), svrkit: null, appid: '' };
  for (const f of readMessage(buf)) {
    if (f.no === 1 && f.varint !== undefined) data.apiType = f.varint;
    else if (f.no === 2 && f.bytes) {
      for (const pair of readMessage(f.bytes)) {
        if (pair.no !== 1 || !pair.bytes) continue;
        const kv = readMessage(pair.bytes);
        const key = kv.find((x) => x.no === 1)?.bytes?.toString('utf8') ?? '';
        data.pairs.set(key, kv.find((x) => x.no === 2)?.bytes?.toString('utf8') ?? '');
      }
    } else if (f.no === 4 && f.bytes) {
      const s = readMessage(f.bytes);
      data.svrkit = { apiName: s.find((x) => x.no === 1)?.bytes?.toString('utf8') ?? '', reqData: s.find((x) => x.no === 2)?.bytes ?? Buffer.alloc(0) };
    } else if (f.no === 6 && f.bytes) data.appid = f.bytes.toString('utf8');
  }
  return data;
}

/** Encodes CommOpenApiResp (1 respData, 2 contentType; errorCode and svrkitErrorCode left 0). */
export function encodeCommOpenApiResp(respData: Buffer, contentType: string): Buffer {
  return writeMessage([
    [1, respData],
    [2, contentType],
  ]);
}
