// npm run vnu [-- <folder>]: checks a built atlas with the Nu HTML Checker, errors only.
// Without a folder it builds the repository's own atlas into a temporary folder first.
import { buildSite } from './lib/site.mjs';
import { checkFolder, formatMessages } from './lib/vnu.mjs';
import path from 'node:path';

const arg = process.argv[2];
const site = arg ? { out: path.resolve(arg), cleanup() {} } : buildSite();
try {
  const { messages } = checkFolder(site.out);
  if (messages.length) {
    console.error(formatMessages(messages, site.out));
    console.error(`\nNu HTML Checker: ${messages.length} error(s) in ${site.out}`);
    process.exitCode = 1;
  } else {
    console.log(`Nu HTML Checker: no errors in ${site.out}`);
  }
} finally {
  site.cleanup();
}
