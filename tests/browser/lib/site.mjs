// Builds the repository's own atlas into a temporary folder with the debug binary.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs `cargo build` (unless ATLAS_BIN is set) and `atlas build`; returns the output folder. */
export function buildSite() {
  let bin = process.env.ATLAS_BIN;
  if (!bin) {
    execFileSync('cargo', ['build', '--quiet', '--bin', 'atlas'], { cwd: REPO, stdio: 'inherit' });
    const target = process.env.CARGO_TARGET_DIR
      ? path.resolve(REPO, process.env.CARGO_TARGET_DIR)
      : path.join(REPO, 'target');
    bin = path.join(target, 'debug', 'atlas');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-browser-'));
  const out = path.join(tmp, 'public');
  execFileSync(bin, ['build', '--root', REPO, '--output-dir', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { out, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
