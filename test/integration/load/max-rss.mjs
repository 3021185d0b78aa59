// Preloaded into the nodescrub process by test/integration/load.test.ts (`node --import <this>`): at
// exit, writes the process's own peak resident set size (getrusage ru_maxrss, in KiB) as JSON to
// the file named by NODESCRUB_TEST_MAX_RSS_FILE. Exact (the kernel's high-water mark), no polling,
// and no dependency on /usr/bin/time. Does nothing when the variable is unset.
import { writeFileSync } from 'node:fs';

const file = process.env.NODESCRUB_TEST_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, `${JSON.stringify({ pid: process.pid, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
  });
}
