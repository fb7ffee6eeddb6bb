/** The text of `autonomous-loop --help`: every flag, its default, the credentials and the exit codes. */
import { DEFAULT_CLAUDE_VERSION } from '../core/settings.js';

export const HELP = `Usage: autonomous-loop --prompt TEXT [flags]

Runs Claude Code in a loop in a git work tree until its COMPLETION_GATE says ready: true or a circuit breaker trips.
Credentials: ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or the CLI's own login; with
--provider, the cloud's own variables (AWS_REGION, ANTHROPIC_VERTEX_PROJECT_ID, ...) or your machine's sign-in.
By default Claude's tools run unasked (bypassPermissions) as your user: they can read what you can (~/.ssh, cloud
logins) and reach any host. Add --sandbox: its commands then see no home dotfiles and reach only --allowed-domains.

The task
  --prompt TEXT                  the task for Claude (or --prompt-file)
  --prompt-file FILE             a file with the task, relative to the working directory
  --continuation-prompt TEXT     what each later iteration is told
Limits
  --max-iterations N             (default 10)      --hard-limit N            (default 50)
  --no-change-threshold N        (default 3)       --same-error-threshold N  (default 5)
  --max-budget-usd USD           --max-turns N     --api-retries N           (default 2)
  --iteration-timeout-minutes M  (default 30)      --time-limit-minutes M
Check
  --check-command CMD            run after an iteration; completion needs it to pass
  --check-on ready|every-iteration (default ready)  --check-timeout-minutes M (default 10)
Where
  --working-directory DIR        (default: the current directory; must be in a git work tree)
  --state-dir DIR                keep the loop there (outside the repository) to continue it in a later run
Claude
  --provider anthropic|bedrock|vertex|foundry (default anthropic, or the one CLAUDE_CODE_USE_* turns on)
  --model NAME  --permission-mode MODE (default bypassPermissions)
  --allowed-tools LIST  --disallowed-tools LIST  --sandbox  --allowed-domains LIST
  --claude-args "ARGS"           more arguments for the CLI, split as a shell would (--claude-args="--add-dir ../x")
  --claude-path PATH  --claude-version X.Y.Z (default ${DEFAULT_CLAUDE_VERSION})  --claude-from-path
Output
  -q, --quiet                    do not print Claude's text as it streams
  --json                         print the outputs as one JSON object at the end (the rest goes to stderr)
  --summary FILE                 write the Markdown summary (the job summary of the action) to FILE
  --fail-on LIST                 statuses that exit 1 (default failed,timed_out; none: never)
  -h, --help                     --version

Exit codes: 0 done; 1 a status in --fail-on; 2 a usage error; 130 interrupted (Ctrl-C).
`;
