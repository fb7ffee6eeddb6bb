#!/usr/bin/env node
/**
 * A fast stand-in for the `claude` CLI, for the benchmarks: it writes about BENCH_BYTES bytes of realistic stream-json
 * to stdout (an init line; then assistant text, tool_use and user tool_result lines of many sizes; then a final
 * assistant text with a `ready: true` gate and a result line) and exits. It is both the action's `claude-path` and,
 * run alone with stdout to /dev/null, the physical limit the action's transcript handling is measured against.
 *
 * Environment:
 *   BENCH_BYTES        how much stream-json to write before the gate and result lines (default 0).
 *   BENCH_GATE         "true" (default) or "false": the gate the last text carries, or "none" for no gate at all.
 */
if (process.argv[2] === '--version') {
  process.stdout.write('9.9.9 (Claude Code bench stand-in)\n');
  process.exit(0);
}

const totalBytes = Number(process.env.BENCH_BYTES ?? '0');
const gateMode = process.env.BENCH_GATE ?? 'true';
const sessionId = 'bench-0000-4000-8000-000000000000';

/** A deterministic pseudo-random sequence, so every run writes the same transcript. */
let seed = 0x2545f491;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const WORDS =
  'the a function return const value file test error build module import export type string number line ' +
  'change update fix check run await async class interface result output input config path src index of in to';
const wordList = WORDS.split(' ');
function prose(bytes) {
  const parts = [];
  let length = 0;
  while (length < bytes) {
    const word = wordList[Math.floor(random() * wordList.length)];
    parts.push(word);
    length += word.length + 1;
    if (random() < 0.08) parts.push(random() < 0.5 ? '.\n' : ',');
  }
  return parts.join(' ').slice(0, bytes);
}
function code(bytes) {
  const lines = [];
  let length = 0;
  for (let n = 1; length < bytes; n++) {
    const line = `${String(n).padStart(6)}\t  const ${prose(12).replace(/\W/g, '_')} = await run("${prose(24)}", { quiet: true });`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n').slice(0, bytes);
}

let messageNumber = 0;
let toolNumber = 0;
const uuid = () => `${(messageNumber * 7919).toString(16).padStart(8, '0')}-bench-4000-8000-${messageNumber}`;
const line = (message) => `${JSON.stringify({ ...message, session_id: sessionId, uuid: uuid() })}\n`;

/** One assistant line holding one content block, as the CLI prints them. */
function assistantLine(block, outputTokens) {
  messageNumber += 1;
  return line({
    type: 'assistant',
    message: {
      id: `msg_${messageNumber}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-stand-in',
      content: [block],
      stop_reason: null,
      usage: { input_tokens: 4, cache_read_input_tokens: 20_000, output_tokens: outputTokens },
    },
    parent_tool_use_id: null,
  });
}
const assistantText = (text) => assistantLine({ type: 'text', text }, 120);
function toolUse(name, input) {
  toolNumber += 1;
  return assistantLine({ type: 'tool_use', id: `toolu_${toolNumber}`, name, input }, 80);
}
/** As the CLI writes them: the result for the model, and again for the SDK in `tool_use_result`. */
function toolResult(content, isError, toolUseResult) {
  messageNumber += 1;
  const block = { tool_use_id: `toolu_${toolNumber}`, type: 'tool_result', content };
  if (isError !== undefined) block.is_error = isError;
  return line({
    type: 'user',
    message: { role: 'user', content: [block] },
    parent_tool_use_id: null,
    timestamp: '2026-01-01T00:00:00.000Z',
    tool_use_result: toolUseResult,
  });
}
const bashResult = (stdout, isError) =>
  toolResult(
    isError ? `Exit code 1\n${stdout}` : stdout,
    isError,
    isError
      ? `Error: Exit code 1\n${stdout}`
      : {
          stdout,
          stderr: '',
          interrupted: false,
          isImage: false,
        },
  );
const readResult = (path, content) =>
  toolResult(content, undefined, { type: 'text', file: { filePath: path, content, numLines: 1, startLine: 1 } });

/** One "turn" of a session: some text, a tool call and its result, of sizes from a few bytes to a few hundred KiB. */
function turn() {
  const roll = random();
  const parts = [assistantText(prose(60 + Math.floor(random() * 1500)))];
  const file = `/work/src/module-${toolNumber % 97}.ts`;
  if (roll < 0.35) {
    parts.push(toolUse('Read', { file_path: file }));
    parts.push(readResult(file, code(2_000 + Math.floor(random() * 30_000))));
  } else if (roll < 0.6) {
    parts.push(toolUse('Bash', { command: `npm test -- --run src/module-${toolNumber % 97}.test.ts` }));
    parts.push(bashResult(prose(500 + Math.floor(random() * 8_000)), random() < 0.1));
  } else if (roll < 0.8) {
    const content = code(500 + Math.floor(random() * 6_000));
    parts.push(toolUse('Edit', { file_path: file, old_string: content.slice(0, 200), new_string: content }));
    parts.push(
      toolResult('The file has been updated.', undefined, { filePath: file, oldString: content.slice(0, 200) }),
    );
  } else if (roll < 0.97) {
    parts.push(toolUse('Grep', { pattern: prose(10), path: '/work/src' }));
    parts.push(toolResult(prose(200 + Math.floor(random() * 3_000)), undefined, { mode: 'content', numLines: 12 }));
  } else {
    // The occasional huge output: a whole log or a generated file read in one go.
    parts.push(toolUse('Bash', { command: 'cat build/output.log' }));
    parts.push(bashResult(code(50_000 + Math.floor(random() * 150_000)), false));
  }
  return parts.join('');
}

/** A few MiB of distinct turns, written again and again (generating them afresh would time the generator). */
const blocks = [];
for (let b = 0; b < (totalBytes > 0 ? 4 : 0); b++) {
  let text = '';
  while (text.length < (1 << 20) * 2) text += turn();
  blocks.push(Buffer.from(text));
}

const init = line({
  type: 'system',
  subtype: 'init',
  cwd: process.cwd(),
  session_id: sessionId,
  tools: ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob'],
  model: 'claude-stand-in',
  permissionMode: 'bypassPermissions',
  claude_code_version: '9.9.9',
});
const gate =
  gateMode === 'none'
    ? 'Nothing left to say.'
    : `All done.\n<COMPLETION_GATE>\nready: ${gateMode === 'false' ? 'false' : 'true'}\nreason: "The benchmark transcript is complete"\nprogress: "wrote the transcript"\nblockers: []\n</COMPLETION_GATE>`;
const finale =
  assistantText(gate) +
  line({
    type: 'result',
    subtype: 'success',
    is_error: false,
    duration_ms: 1000,
    num_turns: messageNumber,
    result: gate,
    total_cost_usd: 0.01,
    usage: { input_tokens: 4, output_tokens: 120 },
  });

const out = process.stdout;
const write = (chunk) => (out.write(chunk) ? undefined : new Promise((resolve) => out.once('drain', resolve)));

await write(init);
let written = 0;
for (let i = 0; written < totalBytes; i++) {
  const block = blocks[i % blocks.length];
  const piece = totalBytes - written >= block.length ? block : cutAtLine(block, totalBytes - written);
  await write(piece);
  written += piece.length;
}
await write(finale);

/** The first lines of `block` that make up at least `bytes` bytes (whole lines only). */
function cutAtLine(block, bytes) {
  const end = block.indexOf(10, bytes - 1);
  return block.subarray(0, end < 0 ? block.length : end + 1);
}
