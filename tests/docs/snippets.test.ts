/**
 * Every code block of README.md and docs/*.md is a file that this test compiles, imports included.
 *
 * A ```ts / ```js block starts with a comment naming its file: a path in a developer's mini program
 * (`// pages/room/room.ts`, resolved under docs/snippets/, which mirrors a mini program's root) or a
 * file of this repository (`// tests/sdk/readmeExample.test.ts`). The block must appear in that file:
 * its import lines anywhere, the rest as one contiguous run of the file's other lines (indentation aside). Lines of a
 * snippet file that end in `// hidden` are the declarations a fragment leans on and are not shown;
 * docs/snippets/typings/context.d.ts declares what every page takes from the app around it.
 *
 * The snippet pages compile in a scratch mini program that holds them, the shipped SDK
 * (lib/jrtc-miniapp.min.js and .d.ts), the calls bundle beside it (lib/jrtc-calls.min.js and .d.ts)
 * and miniprogram-api-typings, nothing else; server snippets
 * (`server/*.js`) are run and checked against the repository's own implementation.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { computeOwnerProof } from '../../shared/ownerProof';

const ROOT = path.join(__dirname, '..', '..');
const SNIPPETS = path.join(ROOT, 'docs', 'snippets');
const HIDDEN = /\/\/ hidden\s*$/;

interface Block {
  doc: string;
  lang: string;
  text: string;
}

/** The ```ts / ```js blocks of the README and the docs. */
function blocks(): Block[] {
  const docs = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return docs.flatMap((doc) =>
    [...fs.readFileSync(path.join(ROOT, doc), 'utf8').matchAll(/```(ts|js)\n([\s\S]*?)```/g)].map((m) => ({ doc, lang: m[1], text: m[2] })),
  );
}

/** The file a block names on its first line. */
function fileOf(block: Block): string {
  const named = /^\/\/ ([\w./-]+\.(?:ts|js))\b/.exec(block.text);
  if (!named) throw new Error(`${block.doc}: a code block must start with "// <file>", got: ${block.text.split('\n')[0]}`);
  const inSnippets = path.join(SNIPPETS, named[1]);
  if (fs.existsSync(inSnippets)) return inSnippets;
  const inRepo = path.join(ROOT, named[1]);
  if (fs.existsSync(inRepo)) return inRepo;
  throw new Error(`${block.doc}: ${named[1]} is neither in docs/snippets/ nor in the repository`);
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);

/** True when `block` appears in `file` as the header explains. */
function appearsIn(block: Block, file: string): boolean {
  const shown = lines(fs.readFileSync(file, 'utf8')).filter((l) => !HIDDEN.test(l));
  const own = lines(block.text).slice(1); // the file-naming comment
  const imports = own.filter((l) => l.startsWith('import '));
  if (!imports.every((l) => shown.includes(l))) return false;
  const body = own.filter((l) => !l.startsWith('import '));
  const rest = shown.filter((l) => !l.startsWith('import '));
  for (let i = 0; i + body.length <= rest.length; i++) {
    if (body.every((l, j) => rest[i + j] === l)) return true;
  }
  return false;
}

/** Compiles every page snippet in a scratch mini program; returns the diagnostics. */
function compileSnippets(): string[] {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jrtc-snippets-'));
  try {
    fs.cpSync(SNIPPETS, scratch, { recursive: true });
    fs.mkdirSync(path.join(scratch, 'lib'), { recursive: true });
    for (const file of ['jrtc-miniapp.min.js', 'jrtc-miniapp.min.d.ts', 'jrtc-calls.min.js', 'jrtc-calls.min.d.ts']) {
      fs.copyFileSync(path.join(ROOT, 'miniprogram', 'lib', file), path.join(scratch, 'lib', file));
    }
    fs.mkdirSync(path.join(scratch, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'miniprogram-api-typings'), path.join(scratch, 'node_modules', 'miniprogram-api-typings'), 'dir');
    const pages = ['pages', 'typings'].flatMap((dir) =>
      fs.readdirSync(path.join(scratch, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(scratch, dir, f)),
    );
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2017,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2017.d.ts'],
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      types: ['miniprogram-api-typings'],
      typeRoots: [path.join(scratch, 'node_modules')],
    };
    const program = ts.createProgram(pages, options);
    return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(scratch, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

test('every code block of the README and the docs names its file and appears in it', () => {
  const found = blocks();
  expect(found.length).toBeGreaterThanOrEqual(8);
  const missing = found.filter((b) => !appearsIn(b, fileOf(b))).map((b) => `${b.doc}: ${b.text.split('\n')[0]}`);
  expect(missing).toEqual([]);
});

test('every snippet file is shown somewhere (none is left behind by an edit of the docs)', () => {
  const shown = new Set(blocks().map(fileOf));
  const files = fs.readdirSync(SNIPPETS, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(SNIPPETS, f));
  expect(files.filter((f) => !shown.has(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
});

test('the page snippets compile in a mini program that has only the shipped SDK', () => {
  expect(compileSnippets()).toEqual([]);
});

test('a snippet page with a type error fails to compile (the check can fail)', () => {
  const page = path.join(SNIPPETS, 'pages', 'zz-wrong', 'wrong.ts');
  fs.mkdirSync(path.dirname(page), { recursive: true });
  fs.writeFileSync(page, "import JRTCMiniappClient from '../../lib/jrtc-miniapp.min';\nexport const client = JRTCMiniappClient.init({ appId: 42, pushDomain: 'p', pullDomain: 'q' });\n");
  try {
    expect(compileSnippets().join('\n')).toMatch(/zz-wrong\/wrong\.ts: Type 'number' is not assignable to type 'string'/);
  } finally {
    fs.rmSync(path.dirname(page), { recursive: true, force: true });
  }
});

test('the server snippet computes the owner proof as shared/ownerProof.ts does', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ownerProof } = require(path.join(SNIPPETS, 'server', 'ownerProof.js')) as { ownerProof: (p: Record<string, unknown>) => string };
  const params = { appId: 'demo-app', appKey: 'demo-key', roomId: 'room1', userId: 'alice', nonce: 'AK-00112233445566778899aabbccddeeff', timestamp: 1700000000000 };
  expect(ownerProof(params)).toBe('TDNMZFpqeXRPUmFUdVpIY28rSHJUZ0RteDJ1SWZibXUzLzBmcEd6NWV5RT0_');
  expect(ownerProof({ ...params, userId: 'bob' })).toBe(computeOwnerProof({ ...params, userId: 'bob' }));
});
