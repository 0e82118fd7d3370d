// Writes that never lose or half-write anything. A file or folder is written under a temporary
// sibling name, then renamed into place (atomic on one filesystem). A folder a command writes (its
// --out) is claimed first: the guard refuses a path that is not the command's own kind of output
// (a user's folder, a dataset, a plain file), a lock file gives the folder one writer at a time,
// and temporaries that dead processes left behind are removed. This process's own temporaries are
// removed when it exits, also on Ctrl-C and SIGTERM (cleanUpOnExit).
import { type Dirent, existsSync, promises as fs, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `.<name>.tmp-<pid>-<id>`, and `<that>.old` for a folder moved aside by writeDirAtomic. */
const TEMPORARY = /^\.(.+)\.tmp-(\d+)-[0-9a-z]+(\.old)?$/;

/** This thread's temporaries that are not settled yet: path -> the target it stands in for. */
const live = new Map<string, string>();
let serial = 0;

/** A fresh temporary name next to `target`; removed on exit unless settleTemporary says it is gone. */
export function temporarySibling(target: string): string {
  const id = `${Date.now().toString(36)}${(serial++).toString(36)}`;
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${id}`);
  live.set(tmp, target);
  return tmp;
}

/** The temporary was renamed into place or removed: nothing to clean up on exit. */
export function settleTemporary(tmp: string): void {
  live.delete(tmp);
}

/** Whether a process with this pid runs (on this machine); EPERM means it runs as another user. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes one temporary: a folder moved aside (`.old`) goes back to its name when nothing took its
 * place (the writer died between the two renames), anything else is deleted.
 */
function removeTemporarySync(tmp: string, target: string): void {
  if (tmp.endsWith('.old') && existsSync(tmp) && !existsSync(target)) renameSync(tmp, target);
  else rmSync(tmp, { recursive: true, force: true });
}

/**
 * Temporaries in `dir` whose process has ended (killed before it could clean up) are removed, and
 * with `own`, this process's too (what its worker threads left when it is exiting). Returns their names.
 */
export function removeStaleTemporaries(dir: string, { own = false } = {}): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    const p = path.join(dir, name);
    if (pid === process.pid ? !own || live.has(p) : running(pid)) continue;
    try {
      removeTemporarySync(p, path.join(dir, m[1]));
      removed.push(name);
    } catch {
      // Another process is cleaning up the same one.
    }
  }
  return removed;
}

/** `dir`, and the folders directly inside it: where a command's writes put their temporaries. */
function removeStaleAround(dir: string, own = false): void {
  removeStaleTemporaries(dir, { own });
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries)
    if (e.isDirectory() && !TEMPORARY.test(e.name)) removeStaleTemporaries(path.join(dir, e.name), { own });
}

/** What kind of folder a command writes, recognisable on disk. */
export interface FolderKind {
  /** For messages: "an exported kombat model". */
  name: string;
  /** How one is recognised, for messages: "model.json and metadata.json". */
  sign: string;
  is(dir: string): Promise<boolean>;
}

/** Which existing folders a command may write to (see checkOutput). */
export interface OutputRule {
  /** The command's own kind of output: such a folder may be replaced or updated. None: only a new or empty folder. */
  kind?: FolderKind;
  /** The folder's contents are deleted (writeDirAtomic), rather than written among (default false). */
  replaces?: boolean;
  /** What the user should do instead, for messages (default "pass another --out"). */
  instead?: string;
  /** The command has --force: a folder of another kind may be written to (default true). */
  forceable?: boolean;
  /** The user passed --force. */
  force?: boolean;
  /** Never written to, even with force, also when one lies anywhere inside the folder (datasets). */
  protect?: readonly FolderKind[];
  /** Where notes go (a stale lock taken over); default stderr. */
  log?: (line: string) => void;
}

/** Folders searched for a protected kind before --force may write over a folder. */
const MAX_FOLDERS_CHECKED = 10_000;

/** The first folder at or below `dir` of one of `kinds`, breadth first; relative path ('' for `dir`). */
async function findKind(
  dir: string,
  kinds: readonly FolderKind[],
): Promise<{ kind: FolderKind; where: string } | undefined> {
  if (kinds.length === 0) return undefined;
  const queue = [''];
  for (let i = 0; i < queue.length; i++) {
    if (i >= MAX_FOLDERS_CHECKED)
      throw new Error(`${dir}: holds more than ${MAX_FOLDERS_CHECKED} folders, too many to check for a dataset`);
    const rel = queue[i];
    const abs = path.join(dir, rel);
    for (const kind of kinds) if (await kind.is(abs)) return { kind, where: rel };
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) queue.push(path.join(rel, e.name));
  }
  return undefined;
}

/**
 * The guard every command that writes a folder passes first. `target` may be missing, an empty
 * folder, or a folder of the rule's kind; anything else is refused with a message naming it and
 * saying what to do. --force lets a folder of another kind be written to, but never a plain file
 * and never a folder holding a protected kind (a dataset), wherever inside it lies.
 */
export async function checkOutput(target: string, rule: OutputRule = {}): Promise<void> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat) return;
  const instead = rule.instead ?? 'pass another --out';
  const own = rule.kind ? ` or ${rule.kind.name}` : '';
  if (!stat.isDirectory())
    throw new Error(`${target}: is a file, not a folder; ${instead} (a new or empty folder${own})`);
  const names = (await fs.readdir(target)).filter((n) => !TEMPORARY.test(n));
  if (names.length === 0) return;
  if (rule.kind && (await rule.kind.is(target))) return;
  const held = await findKind(target, rule.protect ?? []);
  if (held) {
    throw new Error(
      `${target}: holds ${held.kind.name} (${held.where || 'the folder itself'}), and a folder holding ` +
        `${held.kind.name} is never written over, even with --force; ${instead}`,
    );
  }
  if (rule.force) return;
  const what = rule.kind ? ` and not ${rule.kind.name} (recognised by ${rule.kind.sign})` : '';
  const force =
    rule.forceable === false ? '' : `, or --force to ${rule.replaces ? 'replace it' : 'write into it anyway'}`;
  throw new Error(
    `${target}: not empty${what}; kombat ${rule.replaces ? 'replaces' : 'writes into'} only a new or ` +
      `empty folder${own}. ${instead[0].toUpperCase()}${instead.slice(1)}${force}`,
  );
}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/** Locks this process holds: lock file -> how many claims (claims nest: a build writes its parts). */
const held = new Map<string, { target: string; count: number }>();

function lockPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/** "kombat augment" for the CLI, else the script's name. */
function commandName(): string {
  const script = process.argv[1] ?? '';
  return /(kombat|cli[\\/]main)\.[jt]s$/.test(script)
    ? `kombat ${process.argv[2] ?? ''}`.trim()
    : path.basename(script);
}

async function readLock(lock: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(lock, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `target` (a file beside it) or throws naming the process that holds it. */
async function lock(target: string, log: (line: string) => void): Promise<void> {
  const file = lockPath(target);
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return;
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    command: commandName(),
    started: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(info), { flag: 'wx' });
      held.set(file, { target, count: 1 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const other = await readLock(file);
    const gone = other !== undefined && other.host === os.hostname() && !running(other.pid);
    if (!gone) {
      const who = other
        ? `${other.command} (process ${other.pid}${other.host === os.hostname() ? '' : ` on ${other.host}`})`
        : 'another kombat command';
      throw new Error(
        `${target}: ${who} is writing it since ${other?.started ?? 'an unknown time'}; wait for it to finish, ` +
          `or delete ${file} if that process is gone`,
      );
    }
    await fs.rm(file, { force: true });
    log(`${target}: removed a stale lock of process ${other.pid} (${other.command}), which has ended`);
  }
}

function unlockSync(file: string): void {
  held.delete(file);
  rmSync(file, { force: true });
}

/**
 * Claims the folder a command writes: its lock, then stale temporaries of dead processes removed
 * beside and inside it, then the guard (checkOutput). Returns the release; claims of one folder nest.
 */
export async function claimOutput(target: string, rule: OutputRule = {}): Promise<() => void> {
  const abs = path.resolve(target);
  await lock(abs, rule.log ?? ((line) => console.error(line)));
  const file = lockPath(abs);
  const release = () => {
    const mine = held.get(file);
    if (mine && --mine.count === 0) unlockSync(file);
  };
  try {
    removeStaleTemporaries(path.dirname(abs));
    removeStaleAround(abs);
    await checkOutput(abs, rule);
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/** This process's temporaries removed (folders moved aside put back) and its locks released. Synchronous. */
export function cleanUpSync(): void {
  for (const [tmp, target] of [...live].reverse()) {
    try {
      removeTemporarySync(tmp, target);
    } catch {
      // Nothing more can be done while exiting.
    }
    live.delete(tmp);
  }
  for (const [file, { target }] of [...held]) {
    removeStaleAround(target, true);
    unlockSync(file);
  }
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
let cleaning = false;
const stopping: (() => Promise<void>)[] = [];
/** How long a signal waits for the work `beforeSignalExit` stops before exiting anyway. */
const STOP_MS = 2000;

/** Work to stop when a signal ends the process, before its temporaries are removed (threads that write them). */
export function beforeSignalExit(stop: () => Promise<void>): void {
  stopping.push(stop);
}

/**
 * On exit, and on a signal no command handles itself (train and features stop gracefully on
 * Ctrl-C), removes this process's temporaries and releases its locks; a signal exits 128 + its number.
 */
export function cleanUpOnExit(): void {
  if (cleaning) return;
  cleaning = true;
  process.on('exit', cleanUpSync);
  for (const [signal, n] of Object.entries(SIGNALS)) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      console.error(`kombat: stopped by ${signal}; temporary files removed`);
      const deadline = new Promise((resolve) => setTimeout(resolve, STOP_MS).unref());
      void Promise.race([Promise.allSettled(stopping.map((stop) => stop())), deadline]).then(() =>
        process.exit(128 + n),
      );
    });
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporarySibling(target);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  } finally {
    settleTemporary(tmp);
  }
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fills a fresh temporary folder with `fill`, then renames it to `target`, replacing an old one.
 * The target is claimed first (claimOutput with `rule`: the guard, the lock). On any error the
 * temporary folder is removed and `target` is left as it was.
 */
export async function writeDirAtomic(
  target: string,
  fill: (dir: string) => Promise<void>,
  rule: OutputRule,
): Promise<void> {
  const release = await claimOutput(target, { ...rule, replaces: true });
  const tmp = temporarySibling(target);
  const old = `${tmp}.old`;
  live.set(old, target);
  try {
    // Synchronous, so that a signal handler cleaning up temporaries never races a pending mkdir.
    mkdirSync(tmp);
    await fill(tmp);
    const hadOld = await fs.rename(target, old).then(
      () => true,
      () => false,
    );
    await fs.rename(tmp, target);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    settleTemporary(tmp);
    settleTemporary(old);
    release();
  }
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** The parsed JSON of `file`, or undefined when there is no such file; other errors name the file. */
export async function readJsonIfPresent<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Total bytes of the files directly in `dir` (a model folder: model.json, weights, metadata). */
export async function folderBytes(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => fs.stat(path.join(dir, e.name)).then((s) => s.size)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
