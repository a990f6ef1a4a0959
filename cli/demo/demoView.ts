/**
 * How the demo shows itself. On a terminal: the teacher's live roster as a table, redrawn on each of
 * the teacher's SDK events, the latest notes below it and a cli-progress line for the scenario's
 * steps. Anywhere else (CI, a test reading the output): plain lines, one per step, note and event
 * of the teacher's, and nothing redrawn.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Member, MemberCount } from '../../miniprogram/lib/src/index';
import { label } from './demoLedger';
import type { LedgerEntry } from './demoLedger';

/** What the table shows: the teacher's view of the room. */
export interface RosterState {
  roomId: string;
  /** The teacher's live roster (everyone: its rosterScope is 'all'), or empty before it joined. */
  members: Member[];
  raisedHands: Member[];
  counts: MemberCount;
  ownerId: string;
  /** The teacher's connection state ('' before it joined). */
  state: string;
  /** How far the cloud clock runs ahead of real time. */
  clockOffsetMs: number;
}

/** Where the view writes (process.stdout, or anything with `write`). */
export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const NOTES_SHOWN = 6;

/** The roster table's lines, at most `width` characters each. */
export function renderRoster(s: RosterState, width: number): string[] {
  // The owner first, then by userId (members come sorted).
  const anchors = s.members.filter((m) => m.role === 1).sort((a, b) => Number(b.userId === s.ownerId) - Number(a.userId === s.ownerId));
  const audience = s.members.filter((m) => m.role !== 1).map((m) => m.userId);
  const hands = s.raisedHands.map((m) => m.userId);
  const rule = '-'.repeat(Math.max(10, Math.min(width, 78)));
  const lines = [
    `JRTC demo class ${s.roomId}, as the teacher's SDK sees it (${s.state || 'not joined'}, cloud clock +${Math.round(s.clockOffsetMs / 1000)} s)`,
    rule,
    `Stage: ${anchors.length} anchor(s)`,
    ...anchors.map((m) => {
      const tags = [m.userId === s.ownerId ? 'owner' : '', m.stream.publishing ? 'publishing' : 'silent', m.stream.muted ? 'muted' : ''];
      return `  ${m.userId.padEnd(12)} ${m.nickName.padEnd(12)} ${tags.filter(Boolean).join(', ')}`;
    }),
    `Raised hands: ${hands.length ? hands.join(' ') : '(none)'}`,
    ...wrap(`Audience (${audience.length}):`, audience, width),
    `Counts: ${s.counts.broadcasterCount} anchor(s), ${s.counts.audienceCount} audience, ${s.counts.total} in the room`,
    rule,
  ];
  return lines.map((l) => l.slice(0, width));
}

/** Words after a heading, wrapped to `width`. */
function wrap(heading: string, words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = heading;
  for (const w of words) {
    if (line.length + 1 + w.length > width) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${w}`;
  }
  lines.push(words.length ? line : `${heading} (none)`);
  return lines;
}

/** The demo's terminal output (see the file comment). */
export class DemoView {
  private readonly tty: boolean;
  private bar: SingleBar | null = null;
  private drawn = 0;
  private notes: string[] = [];
  private state: RosterState | null = null;

  constructor(private readonly out: ViewOutput) {
    this.tty = out.isTTY === true;
  }

  /** Starts the progress line (terminal only). */
  start(totalSteps: number): void {
    if (!this.tty) return;
    const out = this.out;
    this.bar = new SingleBar({
      format: ' {bar} {value}/{total} {step}',
      barsize: 20,
      // Nothing to restore if the process is stopped mid-run (Ctrl-C): the cursor stays visible and
      // line wrapping on (the bar truncates its own line instead).
      hideCursor: false,
      linewrap: true,
      forceRedraw: true,
      // The bar saves and restores the cursor around its run; with the table redrawn above it that
      // would jump back to where the table once started, so those two escapes are dropped.
      stream: {
        isTTY: true,
        get columns() {
          return out.columns;
        },
        write: (text: string) => (text === '\x1B7' || text === '\x1B8' ? true : out.write(text)),
      } as unknown as NodeJS.WritableStream,
    }, Presets.shades_classic);
    this.bar.start(totalSteps, 0, { step: '' });
  }

  /** Step `index` (1-based) of the scenario begins. */
  step(index: number, total: number, title: string): void {
    if (this.bar) {
      this.bar.update(index - 1, { step: title });
      this.redraw();
    } else {
      this.out.write(`[${String(index).padStart(2)}/${total}] ${title}\n`);
    }
  }

  /** A result worth a line of its own. */
  note(line: string): void {
    if (!this.tty) {
      this.out.write(`  ${line}\n`);
      return;
    }
    this.notes = [...this.notes, line].slice(-NOTES_SHOWN);
    this.redraw();
  }

  /** An SDK event the table follows (the teacher's) or worth a plain line (another's `invited`). */
  event(entry: LedgerEntry, state: RosterState): void {
    this.state = state;
    if (this.tty) this.redraw();
    else this.out.write(`    ${label(entry)}\n`);
  }

  /**
   * Ends the progress line; later output is plain. `final`: the state the last frame shows (the
   * teacher's SDK stops hearing the room once it left, so its last roster is not the end of the class).
   */
  stop(stepsDone: number, final?: RosterState): void {
    if (!this.bar) return;
    if (final) this.state = final;
    this.bar.update(stepsDone, { step: 'done' });
    this.redraw();
    this.bar.stop();
    this.bar = null;
    this.drawn = 0;
    this.out.write('\n');
  }

  /** Plain text after the scenario (both modes). */
  print(line: string): void {
    this.out.write(`${line}\n`);
  }

  private redraw(): void {
    if (!this.bar) return;
    const width = Math.max(10, (this.out.columns ?? 100) - 1);
    const lines = [...(this.state ? renderRoster(this.state, width) : []), ...this.notes.map((n) => `  ${n}`.slice(0, width))];
    // Up to the frame's first line, clear to the end of the screen, draw; the bar then takes the line below.
    const up = this.drawn > 0 ? `\x1B[${this.drawn}A` : '';
    this.out.write(`${up}\r\x1B[J${lines.map((l) => `${l}\n`).join('')}`);
    this.drawn = lines.length;
    this.bar.render();
  }
}
