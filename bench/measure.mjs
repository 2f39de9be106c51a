// Runs a command (argument array, no shell) and measures wall time and the peak memory of
// its whole process tree, sampled from /proc every 50 ms (children such as ffmpeg count).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKiB(root) {
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    total += rssKiB(pid);
    stack.push(...childrenOf(pid));
  }
  return total;
}

/** { seconds, peakMiB, exitCode } for one run of `cmd args`. Rejects on a non-zero exit. */
export function measure(cmd, args, { cwd, env, allowExit = [0] } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid))), 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (!allowExit.includes(code)) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr}`));
      else resolve({ seconds, peakMiB: peak / 1024, exitCode: code });
    });
  });
}

/** Best of `n` runs by time (the machine is noisy), with the peak memory of that run. */
export async function best(n, cmd, args, options) {
  let found;
  for (let i = 0; i < n; i++) {
    const r = await measure(cmd, args, options);
    if (!found || r.seconds < found.seconds) found = r;
  }
  return found;
}

export function dropCaches() {
  // Only root can; benchmarks say whether caches were warm.
  try {
    readdirSync('/proc/sys/vm');
  } catch {
    /* not Linux */
  }
}
