// Runs the Nu HTML Checker (npm package vnu-jar) with the machine's Java on a folder.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function vnuJar() {
  return path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
}

/** Checks every HTML file (and the CSS) under `dir`; returns { status, messages, output }. */
export function checkFolder(dir, { css = true } = {}) {
  const args = ['-jar', vnuJar(), '--errors-only', '--skip-non-html', '--format', 'json'];
  if (css) args.push('--also-check-css');
  args.push(dir);
  const r = spawnSync(process.env.JAVA || 'java', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    throw new Error(`cannot run java for the Nu HTML Checker (${r.error.message}); install a Java runtime (Debian: default-jre-headless)`);
  }
  let messages = [];
  try {
    messages = JSON.parse(r.stderr || r.stdout || '{"messages":[]}').messages;
  } catch {
    throw new Error(`unexpected output from vnu.jar (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, messages: messages.filter((m) => m.type === 'error' || m.subType === 'fatal') };
}

export function formatMessages(messages, root) {
  return messages
    .map((m) => {
      const file = m.url ? decodeURI(m.url.replace(/^file:/, '')).replace(root, '') : '?';
      return `${file}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.message}\n    ${(m.extract || '').replace(/\n/g, ' ')}`;
    })
    .join('\n');
}
