/**
 * The SDK's typings as one self-contained file (miniprogram/lib/jrtc-miniapp.min.d.ts), so a mini
 * program that copies the two files `lib/jrtc-miniapp.min.{js,d.ts}` gets every type and needs
 * nothing else (no zod, no shared/ tree).
 *
 * The protocol's types are inferred from its zod schemas (shared/actions.ts, shared/common.ts): a
 * declaration emit keeps them as `z.infer<...>`, which needs zod to mean anything. So:
 * 1. tsc emits the SDK's declarations (tsconfig.sdk.json → miniprogram/lib/types/);
 * 2. the two schema modules' declarations are replaced by what the checker expands their types to
 *    (the types the SDK names: ActionName, ActionRequest / ActionResponse of each action, Member,
 *    MemberCount, Stream, RoomSummary), written as plain TypeScript;
 * 3. dts-bundle-generator rolls the declarations into one file, which must import nothing.
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { generateDtsBundle } = require('dts-bundle-generator');

/** The protocol types the SDK's declarations import from shared/common.ts. */
const COMMON_TYPES = ['Member', 'MemberCount', 'Stream', 'RoomSummary', 'Signal', 'MediaBackend'];

/** The compiler options of tsconfig.sdk.json. */
function sdkOptions(root) {
  const configPath = path.join(root, 'tsconfig.sdk.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/**
 * Expands each `[name, typeText]` in the context of shared/ (a probe file that imports the schema
 * modules), returning `name → expanded TypeScript text`.
 */
function expandTypes(root, entries) {
  const probe = path.join(root, 'shared', '__sdkTypesProbe.ts');
  const text =
    "import type { ActionRequest, ActionResponse, ActionName } from './actions';\n" +
    "import type * as common from './common';\n" +
    entries.map(([name, typeText]) => `export type ${name} = ${typeText};\n`).join('');
  const options = { ...sdkOptions(root), noEmit: true, declaration: false, emitDeclarationOnly: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === probe ? text : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => path.resolve(file) === probe || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang) =>
    path.resolve(file) === probe ? ts.createSourceFile(file, text, lang) : getSourceFile(file, lang);
  const program = ts.createProgram([probe], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  const printer = ts.createPrinter({ removeComments: true });
  const flags = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias | ts.NodeBuilderFlags.IgnoreErrors;
  const out = new Map();
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    const node = checker.typeToTypeNode(type, undefined, flags);
    const printed = printer.printNode(ts.EmitHint.Unspecified, node, source);
    if (/\bz\.|zod|import\(/.test(printed)) throw new Error(`sdkTypings: ${statement.name.text} still refers to zod: ${printed.slice(0, 200)}`);
    out.set(statement.name.text, printed);
  }
  return out;
}

/** The action names of shared/actions.ts (the checker's expansion of ActionName, a union of string literals). */
function actionNames(root) {
  const union = expandTypes(root, [['Names', 'ActionName']]).get('Names');
  const names = [...union.matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]);
  if (names.length === 0) throw new Error(`sdkTypings: ActionName expanded to ${union}`);
  return names;
}

/**
 * The checker writes each common type (a member, a stream, ...) out in full wherever it occurs:
 * put its name back in the other expansions, innermost first (Stream before Member, which holds
 * one), so the typings read `members: Member[]` rather than the structure a hundred times.
 */
function nameCommonTypes(expanded) {
  const out = new Map(expanded);
  for (const name of ['Stream', 'MemberCount', 'Member', 'RoomSummary']) {
    const text = out.get(name);
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
    const pattern = new RegExp(escaped, 'g');
    for (const [key, value] of out) if (key !== name) out.set(key, value.replace(pattern, name));
  }
  return out;
}

/** Rewrites the emitted declarations of the schema modules as plain, zod-free TypeScript. */
function flattenSchemaModules(root, typesDir) {
  const names = actionNames(root);
  const entries = [];
  for (const name of COMMON_TYPES) entries.push([name, `common.${name}`]);
  for (const action of names) {
    entries.push([`${action}Request`, `ActionRequest<'${action}'>`]);
    entries.push([`${action}Response`, `ActionResponse<'${action}'>`]);
  }
  const expanded = nameCommonTypes(expandTypes(root, entries));
  const common = COMMON_TYPES.map((name) => `export type ${name} = ${expanded.get(name)};\n`).join('');
  fs.writeFileSync(path.join(typesDir, 'shared', 'common.d.ts'), common);
  const map = names
    .map((a) => `    ${a}: {\n        request: ${expanded.get(`${a}Request`)};\n        response: ${expanded.get(`${a}Response`)};\n    };\n`)
    .join('');
  const actions =
    `import type { ${COMMON_TYPES.join(', ')} } from './common';\n` +
    // zod names its JSON type (a signal's payload) and the checker keeps the name: define it here.
    `/** A JSON value. */\nexport type JSONType = string | number | boolean | null | JSONType[] | { [key: string]: JSONType };\n` +
    `/** Every action of the room service, with its request and response. */\n` +
    `export interface ActionMap {\n${map}}\n` +
    `export type ActionName = keyof ActionMap;\n` +
    `export type ActionRequest<A extends ActionName> = ActionMap[A]['request'];\n` +
    `export type ActionResponse<A extends ActionName> = ActionMap[A]['response'];\n`;
  fs.writeFileSync(path.join(typesDir, 'shared', 'actions.d.ts'), actions);
}

/**
 * Builds miniprogram/lib/jrtc-miniapp.min.d.ts from the declarations tsc emitted into `typesDir`.
 * Throws when the result imports anything.
 */
function writeSdkTypings(root, typesDir, outFile) {
  flattenSchemaModules(root, typesDir);
  const entry = path.join(typesDir, 'miniprogram', 'lib', 'src', 'index.d.ts');
  const [bundle] = generateDtsBundle([{ filePath: entry, output: { noBanner: true, exportReferencedTypes: false } }], {
    preferredConfigPath: path.join(root, 'tsconfig.sdk.json'),
  });
  if (/^\s*import\b|\brequire\(|import\(/m.test(bundle)) throw new Error('sdkTypings: the rolled-up typings still import something');
  const header =
    '/**\n * Typings of jrtc-miniapp.min.js: self-contained (generated by scripts/sdkTypings.js from\n' +
    ' * miniprogram/lib/src and the protocol in shared/; do not edit).\n */\n';
  fs.writeFileSync(outFile, header + bundle);
}

/**
 * The calls bundle's typings (miniprogram/lib/jrtc-calls.min.d.ts): its declarations as tsc emitted
 * them, in one file, importing the SDK's types from './jrtc-miniapp.min' as the bundle requires
 * the SDK at run time, and adding the JRTC-form call methods to that module's client class.
 */
function writeCallsTypings(root, typesDir, outFile) {
  const dir = path.join(typesDir, 'miniprogram', 'lib', 'src', 'calls');
  const words = fs.readFileSync(path.join(typesDir, 'shared', 'callWords.d.ts'), 'utf8');
  const parts = [words, ...['events', 'calls', 'jrtcForm'].map((f) => fs.readFileSync(path.join(dir, `${f}.d.ts`), 'utf8'))];
  // The SDK's names the files import, gathered into one import at the top (a name imported twice is an error).
  let defaultName = '';
  const names = new Set();
  const lines = [];
  for (const line of parts.join('\n').split('\n')) {
    const sdk = /^import (?:type )?(\w+)?,? ?(?:\{ ([^}]*) \})? ?from '\.\.\/index';$/.exec(line);
    if (sdk) {
      if (sdk[1]) defaultName = sdk[1];
      for (const n of (sdk[2] || '').split(',')) if (n.trim()) names.add(n.trim().replace(/^type /, ''));
    } else if (!/^import .* from '\.\/|^import .*callWords'|^export \{\};?$/.test(line)) lines.push(line);
  }
  const imports = `import ${defaultName ? `${defaultName}, ` : ''}{ ${[...names].sort().join(', ')} } from './jrtc-miniapp.min';\n`;
  const body = (imports + lines.join('\n')).replace(/declare module '\.\.\/client'/g, "declare module './jrtc-miniapp.min'");
  if (/from '\.\.?\/(?!jrtc-miniapp\.min')/.test(body)) throw new Error('sdkTypings: the calls typings still import a source file');
  const header =
    '/**\n * Typings of jrtc-calls.min.js, the calls bundle loaded beside jrtc-miniapp.min.js (generated by\n' +
    ' * scripts/sdkTypings.js from miniprogram/lib/src/calls; do not edit).\n */\n';
  fs.writeFileSync(outFile, header + body);
}

module.exports = { writeSdkTypings, writeCallsTypings };
