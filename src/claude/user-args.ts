/**
 * Which of the user's own CLI arguments (the `claude-args` input, the `--claude-args` flag) the loop cannot take:
 * flags it sets itself, and flags that would let a secret past redaction. Pure; each front end words the refusal.
 */

/** Flags that the loop sets itself (or, with `--resume`/`--continue`, decides on): see buildClaudeArgs. */
const OWNED_FLAGS = [
  '--print',
  '--output-format',
  '--input-format',
  '--verbose',
  '--resume',
  '--continue',
  '--session-id',
];
const OWNED_SHORT_FLAGS = ['-p', '-r', '-c'];
/**
 * Flags that add to the transcript what redaction cannot see whole: a secret split across the `text_delta` events of
 * partial messages, or the user's messages echoed back.
 */
const REFUSED_FLAGS = ['--include-partial-messages', '--replay-user-messages'];

/**
 * The flags in `args` that the loop owns, as written (`--resume=x` gives `--resume`); `--max-budget-usd` too when
 * `budgetOwned` (the CLI keeps the last of a repeated flag: the user's would replace what is left of the budget).
 * Short options: `-p`, `-c`, `-r` alone or with letters or a value attached (`-pc`, `-rID`); an argument with
 * whitespace in it is a value.
 */
export function ownedFlagsIn(args: readonly string[], budgetOwned: boolean): string[] {
  const found: string[] = [];
  for (const arg of args) {
    const long = arg.split('=')[0];
    const short = arg.slice(0, 2);
    if (OWNED_FLAGS.includes(long) || (budgetOwned && long === '--max-budget-usd')) found.push(long);
    else if (OWNED_SHORT_FLAGS.includes(short) && !/\s/.test(arg)) found.push(short);
  }
  return [...new Set(found)];
}

/** The flags in `args` that would put a secret where redaction cannot see it whole. */
export function refusedFlagsIn(args: readonly string[]): string[] {
  return [...new Set(args.map((arg) => arg.split('=')[0]).filter((arg) => REFUSED_FLAGS.includes(arg)))];
}
