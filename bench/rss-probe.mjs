/**
 * Loaded into the action's process with `node --import`, only for the throughput runs: on exit it writes the
 * process's peak resident set size (getrusage's ru_maxrss, in KiB) to BENCH_RSS_FILE. Exact, unlike polling /proc.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
