// Helpers for tests and measurements of `atlas serve`: find (build) the atlas binary, copy a
// fixture site, start the server on a free port, save files the way editors do.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Chromium flags from the project's browser-test rules. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
};

/**
 * The atlas binary: $ATLAS_BIN if set, else `cargo build` (debug, or release when asked)
 * and the executable cargo reports.
 */
export function atlasBinary({ release = false } = {}) {
  if (process.env.ATLAS_BIN) return process.env.ATLAS_BIN;
  const args = ['build', '--bin', 'atlas', '--message-format=json-render-diagnostics'];
  if (release) args.push('--release');
  const out = execFileSync('cargo', args, {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of out.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.target?.name === 'atlas' && msg.executable) {
      return msg.executable;
    }
  }
  throw new Error('cargo build did not report the atlas executable');
}

/** Copies tests/fixtures/<name> into a new temporary folder (following the themes link). */
export function copyFixture(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `atlas-${name}-`));
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', name), dir, { recursive: true, dereference: true });
  return dir;
}

/** Saves like an editor: a hidden temporary file renamed over the target. */
export function save(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function edit(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  save(file, text.replace(from, to));
}

/**
 * Starts `atlas serve --port 0` on a site; resolves when it prints its URL.
 * Returns { origin, base, log(), stop() }.
 */
export function startServer(bin, root, extra = [], { timeoutMs = 120000 } = {}) {
  const child = spawn(bin, ['serve', '--root', root, '--port', '0', ...extra], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`atlas serve did not start in time:\n${log}`));
    }, timeoutMs);
    let buf = '';
    child.stdout.on('data', (d) => {
      log += d;
      buf += d;
      const m = buf.match(/^Serving .* at (http:\/\/[^/\s]+)(\/\S*)$/m);
      if (m) {
        clearTimeout(timer);
        buf = '';
        resolve({
          origin: m[1],
          base: m[2],
          log: () => log,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGINT');
          }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`atlas serve exited with ${code}:\n${log}`));
    });
  });
}
