#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 695:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _system_process_group_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(30);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(424);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(815);
/** The `autonomous-loop` command's entry point (package.json `bin`): `node dist/local/index.js`. */



// The last resort of every way out (an uncaught error too): nothing this command started may outlive it.
process.on('exit', () => (0,_system_process_group_js__WEBPACK_IMPORTED_MODULE_0__/* .killAllGroups */ .g3)('SIGKILL'));
const code = await (0,_main_js__WEBPACK_IMPORTED_MODULE_1__/* .main */ .i)(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    version: _version_js__WEBPACK_IMPORTED_MODULE_2__/* .VERSION */ .x,
});
// Let what was written reach a pipe before exiting; a lingering socket or timer must not hold the terminal.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 424:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
var external_node_os_default = /*#__PURE__*/__nccwpck_require__.n(external_node_os_namespaceObject);
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: ./src/core/providers.ts
/** The variable that turns each provider on in the CLI. */
const PROVIDER_SWITCHES = {
    bedrock: 'CLAUDE_CODE_USE_BEDROCK',
    vertex: 'CLAUDE_CODE_USE_VERTEX',
    foundry: 'CLAUDE_CODE_USE_FOUNDRY',
};
const PROVIDER_NAMES = {
    anthropic: 'the Anthropic API',
    bedrock: 'Amazon Bedrock',
    vertex: 'Google Vertex AI',
    foundry: 'Microsoft Foundry',
};
/**
 * Providers the pinned CLI knows that the action does not offer: newer, with no public setup for a CI job to follow,
 * and with credentials whose secret parts the action could not name for redaction.
 */
const UNSUPPORTED_SWITCHES = [
    'CLAUDE_CODE_USE_GATEWAY',
    'CLAUDE_CODE_USE_ANTHROPIC_AWS',
    'CLAUDE_CODE_USE_MANTLE',
    'CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD',
];
/** Anthropic credentials the CLI would read: with a cloud provider Claude has no use for them. */
const ANTHROPIC_CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];
/** The short-lived cloud credentials: redacted wherever they could show. */
const SECRET_VARIABLES = [
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_BEARER_TOKEN_BEDROCK',
    'ANTHROPIC_FOUNDRY_API_KEY',
    'ANTHROPIC_FOUNDRY_AUTH_TOKEN',
    'AZURE_CLIENT_SECRET',
];
/** A switch is on as the CLI reads it: 1, true, yes or on, in any case. */
function isSwitchOn(value) {
    return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}
/** The cloud providers whose switch the environment turns on. */
function switchedOnProviders(env) {
    return Object.keys(PROVIDER_SWITCHES).filter((p) => isSwitchOn(env[PROVIDER_SWITCHES[p]]));
}
function unsupportedSwitchesOn(env) {
    return UNSUPPORTED_SWITCHES.filter((name) => isSwitchOn(env[name]));
}
const has = (env, ...names) => names.every((name) => (env[name] ?? '') !== '');
/** What `provider` needs and `env` lacks, most basic first; empty when all is there. */
function missingSettings(provider, env) {
    if (provider === 'bedrock')
        return missingForBedrock(env);
    if (provider === 'vertex')
        return missingForVertex(env);
    if (provider === 'foundry')
        return missingForFoundry(env);
    return [];
}
function missingForBedrock(env) {
    const missing = [];
    if (!has(env, 'AWS_REGION') && !has(env, 'AWS_DEFAULT_REGION')) {
        missing.push({ kind: 'aws-region', needs: 'AWS_REGION', credential: false });
    }
    const signedIn = isSwitchOn(env.CLAUDE_CODE_SKIP_BEDROCK_AUTH) ||
        has(env, 'AWS_BEARER_TOKEN_BEDROCK') ||
        has(env, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY') ||
        has(env, 'AWS_PROFILE') ||
        has(env, 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN') ||
        has(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI') ||
        has(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
    if (!signedIn) {
        missing.push({
            kind: 'aws-credentials',
            needs: 'AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK)',
            credential: true,
        });
    }
    return missing;
}
function missingForVertex(env) {
    const missing = [];
    const absent = ['ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION'].filter((name) => !has(env, name));
    if (absent.length > 0) {
        missing.push({ kind: 'vertex-project', needs: absent.join(' and '), absent, credential: false });
    }
    if (!isSwitchOn(env.CLAUDE_CODE_SKIP_VERTEX_AUTH) && !has(env, 'GOOGLE_APPLICATION_CREDENTIALS')) {
        missing.push({ kind: 'google-credentials', needs: 'GOOGLE_APPLICATION_CREDENTIALS', credential: true });
    }
    return missing;
}
function missingForFoundry(env) {
    // The key is optional: without it the CLI signs in with Entra ID (azure/login, a managed identity), which
    // leaves nothing in the environment to look for.
    if (has(env, 'ANTHROPIC_FOUNDRY_RESOURCE') || has(env, 'ANTHROPIC_FOUNDRY_BASE_URL'))
        return [];
    return [
        { kind: 'foundry-endpoint', needs: 'ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL', credential: false },
    ];
}
/**
 * The secret values among the cloud credentials in `env`: the variables above, and the secret fields of the Google
 * credentials file that GOOGLE_APPLICATION_CREDENTIALS names (read with `readFile`; a file that cannot be read or
 * parsed gives nothing: the CLI will say what is wrong with it).
 */
function cloudCredentialSecrets(env, readFile) {
    const secrets = SECRET_VARIABLES.map((name) => env[name] ?? '').filter((value) => value !== '');
    const file = env.GOOGLE_APPLICATION_CREDENTIALS ?? '';
    if (file !== '') {
        try {
            secrets.push(...googleCredentialSecrets(JSON.parse(readFile(file))));
        }
        catch {
            // Nothing to add.
        }
    }
    return secrets;
}
/** Keys of a Google credentials file whose values are secret; `token_uri` and other URLs are not. */
const SECRET_KEY = /(^|_)(private_key|secret|token|password)$|^authorization$/i;
/**
 * The secret strings of a Google credentials file, at any depth: a service account's `private_key`, an authorized
 * user's `client_secret` and `refresh_token`, and an external account's request headers (a CI's sign-in step
 * may write its OIDC request token there as `Authorization: Bearer …`).
 */
function googleCredentialSecrets(json) {
    const found = [];
    const walk = (value) => {
        if (Array.isArray(value))
            value.forEach(walk);
        else if (typeof value === 'object' && value !== null) {
            for (const [key, item] of Object.entries(value)) {
                if (typeof item === 'string' && SECRET_KEY.test(key) && item !== '')
                    found.push(...secretForms(item));
                else
                    walk(item);
            }
        }
    };
    walk(json);
    return found;
}
/** The switch that tells the CLI to use `provider`: undefined for the Anthropic API, which needs none. */
function providerSwitch(provider) {
    return provider === 'anthropic' ? undefined : PROVIDER_SWITCHES[provider];
}
/**
 * The value, the token of a `Bearer …` header, and each line of a PEM key but its armour: a key with its newlines
 * escaped (as in JSON) matches none of the others, and any one of its lines gives enough of it away.
 */
function secretForms(value) {
    const forms = [value];
    const bearer = /^bearer\s+(\S+)$/i.exec(value.trim());
    if (bearer)
        forms.push(bearer[1]);
    const lines = value.split(/\r?\n|\\n/).map((line) => line.trim());
    if (lines.length > 1)
        forms.push(...lines.filter((line) => line !== '' && !line.startsWith('-----')));
    return forms;
}

;// CONCATENATED MODULE: ./src/text/text.ts
/** Small text helpers shared by the log, the job summary and the issue. */
/** Whitespace runs (newlines included) folded into single spaces. */
function oneLine(text) {
    return text.replace(/\s+/g, ' ').trim();
}
/** At most `max` characters, with `…` where it was cut; never half of a surrogate pair. */
function shorten(text, max) {
    if (text.length <= max)
        return text;
    let cut = text.slice(0, Math.max(max - 1, 0));
    if (/[\uD800-\uDBFF]$/.test(cut))
        cut = cut.slice(0, -1);
    return `${cut}…`;
}
/** Every run of `size` characters in `text`, from the first on: none when the text is shorter. */
function windows(text, size) {
    const found = [];
    for (let at = 0; at + size <= text.length; at++)
        found.push(text.slice(at, at + size));
    return found;
}
/** `42 s`, `3 min 05 s`, `1 h 02 min`. */
function formatElapsed(ms) {
    const seconds = Math.round(ms / 1000);
    if (seconds < 60)
        return `${seconds} s`;
    const pad = (n) => String(n).padStart(2, '0');
    if (seconds < 3600)
        return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
    return `${Math.floor(seconds / 3600)} h ${pad(Math.floor(seconds / 60) % 60)} min`;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/text/secret-bytes.ts
/**
 * A byte string and a fast way to find it in a larger buffer (secrets, and the parts of their wrapped base64 forms).
 */
/**
 * Bytes are searched from their rarest character in ordinary text, capitals first: rare in prose, code and JSON,
 * but in nearly every random token. Anything not listed (digits, punctuation) comes last.
 */
const RAREST_FIRST = 'QZXJKVWYUGHBFMPDOLNTRSCEAIqzjxkvwybgfmpuhdlcrsniotae';
/** The part of a secret that is searched for is at least this long, so that it is still selective. */
const MIN_ANCHOR = 16;
/** How common a byte is in ordinary text: 0 for the rarest. */
function rarity(byte) {
    const found = RAREST_FIRST.indexOf(String.fromCharCode(byte));
    return found === -1 ? RAREST_FIRST.length : found;
}
/**
 * A secret as bytes, and how to find it quickly. Buffer.indexOf first runs through the text looking for the first
 * byte of what it searches (memchr, which skips a rare byte's absence far faster than any pattern search), so the
 * search is for the secret's end from its rarest character on, and a find is then checked for the start (what it
 * saves: BENCHMARKS.md, "three searches made cheaper"). Used by the wrapped-form matcher too.
 */
class SecretBytes {
    bytes;
    anchorAt;
    /** The part searched for first: from the rarest character on. */
    anchor;
    constructor(bytes) {
        this.bytes = bytes;
        let best = 0;
        const rank = (at) => rarity(bytes[at]);
        for (let at = 1; at <= bytes.length - MIN_ANCHOR; at++)
            if (rank(at) < rank(best))
                best = at;
        this.anchorAt = best;
        this.anchor = bytes.subarray(best);
    }
    /** Where the secret starts in `data` at or after `from`, or -1. */
    indexIn(data, from) {
        const head = this.anchorAt;
        for (let at = data.indexOf(this.anchor, from + head); at !== -1; at = data.indexOf(this.anchor, at + 1)) {
            if (data.compare(this.bytes, 0, head, at - head, at) === 0)
                return at - head;
        }
        return -1;
    }
}
/** Capitals: rare enough in ordinary text that a search for the byte alone stops seldom. */
const RARE = 26;
/**
 * Whether any of many needles may be in a buffer, in one pass per first byte of their anchors rather than one per
 * needle: those of secrets and of the parts of their wrapped base64 forms mostly start with the same few capitals.
 * A needle whose anchor starts with a common byte is searched for on its own. May say yes for a needle's anchor
 * without its head: the search that follows finds nothing then.
 */
class NeedleGate {
    byFirstByte = new Map();
    alone = [];
    constructor(needles) {
        for (const needle of needles) {
            const first = needle.anchor[0];
            if (rarity(first) >= RARE)
                this.alone.push(needle);
            else
                this.byFirstByte.set(first, [...(this.byFirstByte.get(first) ?? []), needle.anchor]);
        }
    }
    mayBeIn(data) {
        for (const needle of this.alone)
            if (needle.indexIn(data, 0) !== -1)
                return true;
        for (const [byte, anchors] of this.byFirstByte) {
            for (let at = data.indexOf(byte); at !== -1; at = data.indexOf(byte, at + 1)) {
                for (const anchor of anchors) {
                    const end = at + anchor.length;
                    if (end <= data.length && data.compare(anchor, 0, anchor.length, at, end) === 0)
                        return true;
                }
            }
        }
        return false;
    }
}

;// CONCATENATED MODULE: ./src/text/wrapped-base64.ts
/**
 * A secret's base64 form as `base64` prints it by default: cut into lines of 76 characters, wherever the secret
 * starts on a line. The pieces are joined by a newline, by `\n` or `\r\n` as JSON writes them (the transcript, a saved
 * session), or by a space (the live log joins lines so). One matcher finds every such variant, the unwrapped form too.
 */

/** GNU `base64` puts this many characters on every line but the last (`-w 76`, its default). */
const LINE = 76;
const SEPARATORS = ['\n', '\r\n', '\\n', '\\r\\n', ' '].map((separator) => Buffer.from(separator));
/** Each length a separator can have, to find where a match starts from an anchor found after a break. */
const SEPARATOR_LENGTHS = [...new Set(SEPARATORS.map((separator) => separator.length))];
const ANCHOR = 16;
/**
 * Shorter forms are searched for whole only: with two anchors of 16 characters, whose every break leaves one whole,
 * a shorter form has no room.
 */
const MIN_WRAPPED_FORM = 2 * ANCHOR - 1;
/** Data ran out in the middle of a match: what is left may be the start of one. */
const PARTIAL = -2;
class WrappedBase64 {
    form;
    /** Two parts of the form that line breaks cannot both cut: breaks are 76 apart, and the two are 15 to 61 apart. */
    anchors;
    constructor(form) {
        this.form = Buffer.from(form);
        if (this.form.length < MIN_WRAPPED_FORM)
            throw new Error('too short to be found wrapped');
        // Each starts at the rarest character it can (a search runs through the text for its first byte): the first
        // within the form's first 23 characters, the second where a break cannot cut both, and at most one break comes
        // before it (by the 77th character).
        const first = this.rarestIn(0, Math.min(22, this.form.length - 2 * ANCHOR + 1));
        const second = this.rarestIn(first + ANCHOR - 1, Math.min(first + LINE - ANCHOR - 1, LINE, this.form.length - ANCHOR));
        this.anchors = [first, second].map((at) => ({
            at,
            bytes: new SecretBytes(this.form.subarray(at, at + ANCHOR)),
            text: form.slice(at, at + ANCHOR),
        }));
    }
    /** The position from `from` to `to` (both included) whose character is the rarest; the first on a tie. */
    rarestIn(from, to) {
        let best = from;
        for (let at = from + 1; at <= to; at++)
            if (rarity(this.form[at]) < rarity(this.form[best]))
                best = at;
        return best;
    }
    /** What every variant holds one of, for a gate. */
    get anchorNeedles() {
        return this.anchors.map((anchor) => anchor.bytes);
    }
    /** Whether `text` may hold a variant: every variant holds one of the anchors whole. */
    mayBeIn(text) {
        return this.anchors.some((anchor) => text.includes(anchor.text));
    }
    /** The first variant at or after `from`, as [start, end), or undefined. */
    findIn(data, from) {
        let found;
        for (const anchor of this.anchors) {
            for (let hit = anchor.bytes.indexIn(data, from); hit !== -1; hit = anchor.bytes.indexIn(data, hit + 1)) {
                if (found && hit - anchor.at - 4 >= found[0])
                    break;
                // At most one break before either anchor: the match starts the anchor's offset, and maybe a separator, earlier.
                for (const before of [0, ...SEPARATOR_LENGTHS]) {
                    const start = hit - anchor.at - before;
                    if (start < from || (found && start >= found[0]))
                        continue;
                    const end = this.matchAt(data, start);
                    if (end >= 0)
                        found = [start, end];
                }
            }
        }
        return found;
    }
    /** The earliest start, in the last bytes of `data`, of a variant that the data ends in the middle of. */
    partialStart(data) {
        const longest = this.form.length + Math.ceil(this.form.length / LINE) * 4;
        const first = this.form[0];
        for (let at = data.indexOf(first, Math.max(0, data.length - longest)); at !== -1; at = data.indexOf(first, at + 1)) {
            if (this.matchAt(data, at) === PARTIAL)
                return at;
        }
        return data.length;
    }
    /**
     * Where the variant that starts at `at` ends, -1 when none does, or PARTIAL when the data ends within one. The first
     * line holds 1 to 76 characters of the form, each further line 76.
     */
    matchAt(data, at) {
        const { form } = this;
        let i = at;
        let lastBreak;
        for (let p = 0; p < form.length;) {
            if (i >= data.length)
                return PARTIAL;
            if (data[i] === form[p]) {
                i++;
                p++;
                continue;
            }
            const breakAllowed = p > 0 && (lastBreak === undefined ? p <= LINE : p === lastBreak + LINE);
            if (!breakAllowed)
                return -1;
            const separator = SEPARATORS.find((candidate) => startsWithAt(data, i, candidate));
            if (separator === undefined) {
                return SEPARATORS.some((candidate) => endsWithStartOf(data, i, candidate)) ? PARTIAL : -1;
            }
            i += separator.length;
            lastBreak = p;
        }
        return i;
    }
}
function startsWithAt(data, at, bytes) {
    return at + bytes.length <= data.length && data.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;
}
/** `data` ends, from `at`, with the first bytes of `bytes`. */
function endsWithStartOf(data, at, bytes) {
    const rest = data.length - at;
    return rest > 0 && rest < bytes.length && data.compare(bytes, 0, rest, at) === 0;
}

;// CONCATENATED MODULE: ./src/text/untrusted-text.ts
/**
 * The one door for untrusted text (from Claude, a tool, the CLI, the repository or a restored cache) on its way out:
 * `Secrets` replaces secrets by `***`, also a piece of one cut at a text's edge; `LogDoor` keeps a log line from being
 * read as a workflow command; the `markdown…` helpers keep HTML, @-mentions, remote images and break-outs out of a
 * summary, issue or comment; `terminalText` keeps escape sequences from a terminal. Pure but for `LogDoor`.
 */





const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);
/**
 * The shortest piece of a secret that a cut can leave behind and that is still redacted. Shorter pieces carry too
 * little of the secret to matter, and redacting them would blank out ordinary words that happen to share a prefix.
 */
const MIN_PARTIAL_SECRET = 6;
/**
 * Shorter values are not redacted: a dummy key such as `x` would blank out every x of every text. The runner still
 * masks them in the log.
 */
const MIN_SECRET_LENGTH = 8;
/** Text waiting for the end of the event loop's turn is written at once when it reaches this length. */
const MAX_PENDING_LOG = (/* unused pure expression or super */ null && (64 * 1024));
/** The ellipsis `shorten` leaves where it cut: a secret cut there is followed by it. */
const CUT_MARK = '…';
class Secrets {
    /** Longest first, so that a secret containing another is replaced whole. */
    values = [];
    needles = [];
    /** Every form of every secret as bytes, for a search that joins lines itself (the secret guard's scanner). */
    allNeedles = [];
    /** Base64 forms long enough to be cut into lines: found by their matcher, wrapped or not. */
    wrapped = [];
    wrappedForms = new Set();
    /** Says in one pass over a chunk whether any needle or wrapped form may be in it (nearly always: no). */
    gate = new NeedleGate([]);
    /** Every run of MIN_PARTIAL_SECRET characters in a secret: what a piece of one must start and end with. */
    pieceEdges = new Set();
    constructor(values) {
        this.add(...values);
    }
    /**
     * More secrets, known from now on to every user of this object: a value the run makes up (a stand-in token) is
     * redacted like the ones the action started with. Stream redactors made before keep the secrets they were made with.
     */
    add(...values) {
        const unique = new Set(this.values);
        const wrappedForms = this.wrappedForms;
        for (const value of values) {
            // A secret saved with a newline or blanks around it shows without them too (in JSON, after a `trim()`): the
            // blanks are no secret, so the value without them is what is redacted.
            const secret = value?.trim();
            if (secret === undefined || secret.length < MIN_SECRET_LENGTH)
                continue;
            unique.add(secret);
            // As the runner's masker does: a secret inside base64 (actions/checkout keeps the token in .git/config as
            // base64 of "x-access-token:TOKEN", which `git config -l` prints) at each of the three byte offsets.
            for (const encoded of base64Forms(secret)) {
                unique.add(encoded);
                if (encoded.length >= MIN_WRAPPED_FORM)
                    wrappedForms.add(encoded);
            }
        }
        this.values = [...unique].sort((a, b) => b.length - a.length);
        // Streams search the wrapped forms by their matcher alone: it finds them unwrapped as well.
        this.needles = this.values
            .filter((value) => !wrappedForms.has(value))
            .map((value) => new SecretBytes(Buffer.from(value)));
        this.allNeedles = this.values.map((value) => new SecretBytes(Buffer.from(value)));
        this.wrapped = [...wrappedForms].map((form) => new WrappedBase64(form));
        this.gate = new NeedleGate([...this.needles, ...this.wrapped.flatMap((form) => form.anchorNeedles)]);
        for (const value of this.values)
            for (const piece of windows(value, MIN_PARTIAL_SECRET))
                this.pieceEdges.add(piece);
    }
    /**
     * Every whole secret, and a piece of one (at least `MIN_PARTIAL_SECRET` characters) where a cut left it: the end
     * of a secret at the start of the text (a tail of a longer output), or the start of one at the end of the text or
     * just before a `…` (a shortened text).
     */
    redact(text) {
        let result = text;
        for (const secret of this.values) {
            result = result.replaceAll(secret, REDACTED);
        }
        if (this.wrapped.some((form) => form.mayBeIn(result))) {
            result = replaceSecrets(Buffer.from(result), [], this.wrapped, undefined).toString();
        }
        // A cut leaves a piece at the start (a tail of a longer output), at the end, or before a `…` (`shorten`). A text
        // without a `…` that neither starts nor ends with characters of a secret has none (nearly every log line): it
        // is spared the search for each secret's pieces, which cost more than the rest of logging a transcript.
        // Stryker disable ConditionalExpression,BlockStatement: without the shortcut the search below finds nothing more;
        // the mutants that take it more often are caught by the tests (checked by hand)
        if (!result.includes(CUT_MARK) &&
            !this.pieceEdges.has(result.slice(0, MIN_PARTIAL_SECRET)) &&
            !this.pieceEdges.has(result.slice(-MIN_PARTIAL_SECRET))) {
            return result;
        }
        // Stryker restore ConditionalExpression,BlockStatement
        const pieces = result.split(CUT_MARK);
        for (const secret of this.values) {
            pieces[0] = redactLeadingTail(pieces[0], secret);
            for (let i = 0; i < pieces.length; i++)
                pieces[i] = redactTrailingHead(pieces[i], secret);
        }
        return pieces.join(CUT_MARK);
    }
    /** A copy of a plain value (objects, arrays, strings) with every string redacted. */
    redactDeep(value) {
        return this.walk(value);
    }
    walk(value) {
        if (typeof value === 'string')
            return this.redact(value);
        if (Array.isArray(value))
            return value.map((item) => this.walk(item));
        if (typeof value === 'object' && value !== null) {
            const copy = {};
            for (const [key, item] of Object.entries(value))
                copy[key] = this.walk(item);
            return copy;
        }
        return value;
    }
    /** A redactor for a byte stream whose chunks may split a secret (the transcript, stderr). */
    streamRedactor() {
        return new StreamRedactor(this.needles, this.wrapped, this.gate);
    }
    /** A search of a byte stream (a file, a git object) for any secret, in chunks that may split one. */
    scanner() {
        return new SecretScanner(this.allNeedles);
    }
}
/**
 * The base64 text that `value` always turns into when it stands at byte offset 0, 1 or 2 of what is encoded: the
 * characters that depend only on its own bytes.
 */
function base64Forms(value) {
    const bytes = Buffer.from(value);
    // Each character holds 6 bits: keep those whose bits all come from the value's bytes. Of a secret's 8 or more
    // bytes that is at least 10 characters, long enough to redact.
    return [0, 1, 2].map((offset) => Buffer.concat([Buffer.alloc(offset), bytes])
        .toString('base64')
        .slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6)));
}
/** `text` starts with the last `k ≥ MIN_PARTIAL_SECRET` characters of `secret` (and not with all of it). */
function redactLeadingTail(text, secret) {
    // Such a start holds the secret's last MIN_PARTIAL_SECRET characters within its first `secret.length - 1` (a whole
    // secret is gone already): they start at `lastStart` at the latest.
    const end = secret.slice(-MIN_PARTIAL_SECRET);
    // Stryker disable next-line ArithmeticOperator: a later bound only lengthens the search: no piece longer than the secret's length minus one is left to find
    const lastStart = secret.length - 1 - MIN_PARTIAL_SECRET;
    // From there backwards: the first match that fits is the longest, and the search never reads past the secret's
    // length into the text (a log line can be thousands of characters). A match at 0 always fits: the search ends there.
    for (let at = text.lastIndexOf(end, lastStart); at >= 0; at = text.lastIndexOf(end, at - 1)) {
        if (secret.endsWith(text.slice(0, at + MIN_PARTIAL_SECRET)))
            return REDACTED + text.slice(at + MIN_PARTIAL_SECRET);
    }
    return text;
}
/** `text` ends with the first `k ≥ MIN_PARTIAL_SECRET` characters of `secret` (and not with all of it). */
function redactTrailingHead(text, secret) {
    // Such an end starts with the secret's first MIN_PARTIAL_SECRET characters within its last `secret.length` (a
    // whole secret there is gone already); the first match that fits is the longest.
    const start = secret.slice(0, MIN_PARTIAL_SECRET);
    for (let at = text.indexOf(start, text.length - secret.length); at >= 0; at = text.indexOf(start, at + 1)) {
        if (secret.startsWith(text.slice(at)))
            return text.slice(0, at) + REDACTED;
    }
    return text;
}
/**
 * Redacts secrets in a stream of chunks. The end of a chunk that could be the start of a secret is held back until
 * the next chunk shows whether it is; at the end of the stream a held-back piece long enough to matter is redacted.
 * Chunks without any of it (nearly all) pass through as they are, without a copy.
 */
class StreamRedactor {
    secrets;
    wrapped;
    gate;
    carry = Buffer.alloc(0);
    constructor(secrets, wrapped = [], gate = new NeedleGate([...secrets, ...wrapped.flatMap((form) => form.anchorNeedles)])) {
        this.secrets = secrets;
        this.wrapped = wrapped;
        this.gate = gate;
    }
    push(chunk) {
        const data = replaceSecrets(this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk, this.secrets, this.wrapped, this.gate);
        const hold = this.heldBackLength(data);
        this.carry = Buffer.from(data.subarray(data.length - hold));
        return hold > 0 ? data.subarray(0, data.length - hold) : data;
    }
    /** What is still held back, redacted if it is a long enough piece of a secret. */
    end() {
        const rest = this.carry;
        this.carry = Buffer.alloc(0);
        return rest.length >= MIN_PARTIAL_SECRET ? REDACTED_BYTES : rest;
    }
    /** The length of the longest end of `data` that is the start of a secret (but not a whole one). */
    heldBackLength(data) {
        let earliest = data.length;
        for (const form of this.wrapped)
            earliest = Math.min(earliest, form.partialStart(data));
        for (const { bytes: secret } of this.secrets) {
            // Such an end starts within the last `secret.length` bytes (a whole secret there is gone already).
            const first = secret[0];
            for (let at = data.indexOf(first, Math.max(0, data.length - secret.length)); at >= 0; at = data.indexOf(first, at + 1)) {
                if (data.subarray(at).equals(secret.subarray(0, data.length - at))) {
                    earliest = Math.min(earliest, at);
                    break;
                }
            }
        }
        return data.length - earliest;
    }
}
function replaceSecrets(data, secrets, wrapped, gate) {
    // Most chunks hold no secret: look before building anything (a caller without a gate has looked).
    if (gate !== undefined && !gate.mayBeIn(data))
        return data;
    const parts = [];
    let position = 0;
    for (;;) {
        let at = -1;
        let end = -1;
        for (const secret of secrets) {
            const index = secret.indexIn(data, position);
            // Secrets are sorted longest first: on a tie the longer one wins.
            if (index >= 0 && (at < 0 || index < at)) {
                at = index;
                end = index + secret.bytes.length;
            }
        }
        for (const form of wrapped) {
            const found = form.findIn(data, position);
            if (found && (at < 0 || found[0] < at || (found[0] === at && found[1] > end)))
                [at, end] = found;
        }
        if (at < 0)
            break;
        parts.push(data.subarray(position, at), REDACTED_BYTES);
        position = end;
    }
    parts.push(data.subarray(position));
    return Buffer.concat(parts);
}
/** What the runner could read as a command somewhere in a text: `::` (a command at a line's start) or `##[`. */
const COMMAND_SHAPED = /::|##\[/;
/**
 * Whether a stream of bytes holds a secret, searched as `StreamRedactor` does: the secrets and their base64 forms.
 * Also with line breaks taken out, as base64 is often wrapped (`base64` at 76 characters, PEM at 64, MIME with CR LF):
 * a secret split across lines is still one. Each search keeps the end of what it saw that could hold the start of a
 * secret cut by the next chunk.
 */
class SecretScanner {
    secrets;
    found = false;
    keep;
    carry = Buffer.alloc(0);
    joinedCarry = Buffer.alloc(0);
    heldBackslash = false;
    constructor(secrets) {
        this.secrets = secrets;
        this.keep = Math.max(0, ...secrets.map((secret) => secret.bytes.length - 1));
    }
    /** Searches the next chunk; true once a secret has been seen in the stream so far. */
    push(chunk) {
        if (this.found || this.secrets.length === 0)
            return this.found;
        const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
        // A `\n` that the cut split in two is joined in the next chunk: a backslash that ends a chunk waits for it.
        const raw = this.heldBackslash ? Buffer.concat([BACKSLASH_BYTES, chunk]) : chunk;
        this.heldBackslash = raw.length > 0 && raw[raw.length - 1] === BACKSLASH;
        const joined = withoutLineBreaks(this.heldBackslash ? raw.subarray(0, raw.length - 1) : raw);
        const joinedData = this.joinedCarry.length > 0 ? Buffer.concat([this.joinedCarry, joined]) : joined;
        // Without a line break in the chunk or in what was kept, the second search would see the same bytes.
        const sameBytes = joined === chunk && this.carry.equals(this.joinedCarry);
        this.found = this.holdsSecret(data) || (!sameBytes && this.holdsSecret(joinedData));
        this.carry = Buffer.from(data.subarray(Math.max(0, data.length - this.keep)));
        this.joinedCarry = Buffer.from(joinedData.subarray(Math.max(0, joinedData.length - this.keep)));
        return this.found;
    }
    get seen() {
        return this.found;
    }
    holdsSecret(data) {
        return this.secrets.some((secret) => secret.indexIn(data, 0) !== -1);
    }
}
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BACKSLASH = 0x5c;
const BACKSLASH_BYTES = Buffer.from('\\');
/**
 * `data` without what a wrap of base64 leaves between its lines: CR and LF bytes, spaces (a log joins lines with
 * them), and the two characters `\n` or `\r` (JSON writes a line break so); `data` itself when it has none.
 */
function withoutLineBreaks(data) {
    if (data.indexOf(LF) === -1 &&
        data.indexOf(CR) === -1 &&
        data.indexOf(SPACE) === -1 &&
        data.indexOf(BACKSLASH) === -1) {
        return data;
    }
    const out = Buffer.allocUnsafe(data.length);
    let length = 0;
    for (let at = 0; at < data.length; at++) {
        const byte = data[at];
        if (byte === LF || byte === CR || byte === SPACE)
            continue;
        if (byte === BACKSLASH && (data[at + 1] === 0x6e || data[at + 1] === 0x72)) {
            at++;
            continue;
        }
        out[length++] = byte;
    }
    return out.subarray(0, length);
}
/**
 * The log. The runner reads a line as a workflow command when, after leading whitespace, it starts with `::`, and
 * also when `##[` stands anywhere in it; between `::stop-commands::TOKEN` and `::TOKEN::` it reads none. So text that
 * could hold a command is written inside such a window, with a token nobody can guess, and the window is closed
 * before each of the action's own commands (a group, a warning, the outputs' annotations). Consecutive lines share
 * one window. Lines of one turn of the event loop are written together once it is over (a write per line cost more
 * than everything else the action does with a transcript); closing the window writes them first, so order is kept.
 */
class LogDoor {
    secrets;
    write;
    newToken;
    openToken;
    pending = '';
    scheduledFlush;
    constructor(secrets, write, newToken = () => randomBytes(16).toString('hex')) {
        this.secrets = secrets;
        this.write = write;
        this.newToken = newToken;
    }
    /**
     * Untrusted (or any) text for the log: redacted, and inert however it is written. Text with no `::` and no `##[`
     * anywhere cannot be a command (the runner reads `::` at a line's start and `##[` anywhere), so it needs no window:
     * most lines go out without the two extra lines of one.
     */
    text(message) {
        const text = `${this.secrets.redact(message)}\n`;
        if (this.openToken === undefined && COMMAND_SHAPED.test(text)) {
            this.flush();
            this.openToken = this.newToken();
            this.write(`::stop-commands::${this.openToken}\n`);
        }
        this.pending += text;
        if (this.pending.length >= MAX_PENDING_LOG)
            this.flush();
        else
            this.scheduledFlush ??= setImmediate(() => {
                this.scheduledFlush = undefined;
                this.flush();
            });
    }
    /** Writes the text given so far. */
    flush() {
        if (this.pending === '')
            return;
        const text = this.pending;
        this.pending = '';
        this.write(text);
    }
    /** Call before the action writes a command of its own: it must be read as one. */
    closeWindow() {
        // Text written without a window goes out first too: the action's own command must come after it.
        this.flush();
        if (this.openToken === undefined)
            return;
        this.write(`::${this.openToken}::\n`);
        this.openToken = undefined;
    }
    /** A message for an annotation (`::warning::`): its data is escaped by `@actions/core`, so only secrets matter. */
    annotation(message) {
        this.closeWindow();
        return this.secrets.redact(message);
    }
}
/**
 * One line of Markdown that renders as the text it is: HTML and comment delimiters escaped, @-mentions that would
 * notify someone broken with a zero-width space, images turned into plain text, at most `max` characters.
 */
function markdownInline(text, max) {
    return escapeMarkdown(shorten(oneLine(text), max));
}
/** `markdownInline` for a table cell: a `|` would end the cell. */
function markdownCell(text, max) {
    return markdownInline(text, max).replace(/\|/g, '\\|');
}
function escapeMarkdown(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/@(?=[\w-])/g, '@\u200B')
        .replace(/!\[/g, '!\\[');
}
/**
 * One line of text as inline code: code spans show entities as typed, so nothing is escaped but what would end the
 * span (a backtick) or, in a table, the cell (a `|`).
 */
function markdownCode(text, max, inTable = false) {
    const code = shorten(oneLine(text), max).replace(/`/g, "'");
    return `\`${inTable ? code.replace(/\|/g, '\\|') : code}\``;
}
/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function codeFence(text) {
    let longest = 0;
    let run = 0;
    for (const char of text) {
        run = char === '`' ? run + 1 : 0;
        longest = Math.max(longest, run);
    }
    return '`'.repeat(Math.max(3, longest + 1));
}
const ZERO_WIDTH_SPACE = '\u200b';
/**
 * Text as the terminal may show it: `::` and `##[` broken invisibly; control characters other than tab and newline
 * dropped (ESC starts every sequence a terminal acts on, and C1's CSI is one alone), and the bidirectional overrides
 * that would show a line in another order than it is.
 */
function terminalText(text) {
    return (text
        // eslint-disable-next-line no-control-regex
        .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '')
        .replace(/::/g, `:${ZERO_WIDTH_SPACE}:`)
        .replace(/##\[/g, `#${ZERO_WIDTH_SPACE}#[`));
}

;// CONCATENATED MODULE: ./src/core/check.ts
/**
 * What a check's result means to the loop: how it ended in words, when two failures are the same, and what the next
 * prompt tells Claude. Pure; `system/check-command.ts` runs the command.
 */


const CHECK_ON = ['ready', 'every-iteration'];
/** What of the check's output is kept: its end, where test runners put their verdict. */
const CHECK_OUTPUT_MAX_LINES = 200;
const CHECK_OUTPUT_MAX_BYTES = 16 * 1024;
/** "exit code 1", "timed out after 10 min", …: how the check ended, in a few words. */
function describeCheckEnd(result, timeoutMs) {
    if (result.timedOut)
        return `timed out after ${+(timeoutMs / 60_000).toFixed(3)} min and was stopped`;
    if (result.spawnError !== undefined)
        return `could not be started: ${result.spawnError}`;
    if (result.cancelled)
        return 'was stopped: the run was cancelled';
    return `exit code ${result.exitCode}`;
}
/**
 * When two failures of the check are "the same": the same way of ending (exit code, or time-out) and the same last
 * meaningful line of output (one with a letter or digit), with whitespace folded and what changes from run to run
 * without meaning anything taken out: durations, clock times and dates, and hexadecimal ids such as commit hashes.
 * Counts of passed and failed tests are kept: fewer failures is progress.
 */
function checkFailureSignature(result, timeoutMs) {
    const lines = result.output.split('\n').filter((line) => /[\p{L}\p{N}]/u.test(line));
    const last = normalizeLine(lines.at(-1) ?? '');
    return `The check failed (${describeCheckEnd(result, timeoutMs)})${last ? `: ${last}` : ''}`;
}
function normalizeLine(line) {
    return oneLine(line)
        .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
        .replace(/\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b/g, '<time>')
        .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|secs|seconds?|m|min|mins|minutes?)\b/g, '<duration>')
        .replace(/\b[0-9a-f]{7,40}\b/g, '<id>');
}
/** What the next iteration's prompt says after the continuation prompt when the check failed. */
function checkFailureReport(result, timeoutMs) {
    const fence = codeFence(result.output);
    const output = result.output === '' ? '(no output)' : [fence, result.output, fence].join('\n');
    return [
        'The loop ran the check command after your last reply, and it failed: the task is not complete until it passes.',
        '',
        `Command: ${result.command}`,
        `Result: ${describeCheckEnd(result, timeoutMs)}`,
        `The end of its output (stdout and stderr, at most ${CHECK_OUTPUT_MAX_LINES} lines):`,
        output,
        '',
        'Fix what it reports, then end your reply with the completion gate again.',
    ].join('\n');
}

// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __nccwpck_require__(193);
// EXTERNAL MODULE: ./src/system/process-group.ts
var process_group = __nccwpck_require__(30);
;// CONCATENATED MODULE: ./src/system/check-command.ts
/**
 * The check command: what makes `completed` rest on the repository rather than on Claude's word. It runs like a
 * workflow `run:` step (`bash -e -o pipefail`), in its own process group, with the job's environment less the
 * action's secrets and inputs. Its output is untrusted (the repository's code, which Claude edits): it is redacted,
 * stripped of colours and bounded before it goes anywhere. What a result means to the loop is in `core/check.ts`.
 */



/** A line of the live log longer than this is passed on in pieces: output without line breaks stays bounded. */
const MAX_LOG_LINE = 8 * 1024;
async function runCheck(request) {
    let tail = '';
    let partial = '';
    const redactor = request.secrets.streamRedactor();
    // A character split between two chunks is decoded whole.
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    const take = (text) => {
        if (text === '')
            return;
        tail = (tail + text).slice(-4 * CHECK_OUTPUT_MAX_BYTES);
        if (request.onLine) {
            const lines = (partial + text).split(/\r\n|\r|\n/);
            partial = lines.pop() ?? '';
            for (const line of lines)
                request.onLine(stripAnsi(line));
            while (partial.length > MAX_LOG_LINE) {
                request.onLine(stripAnsi(partial.slice(0, MAX_LOG_LINE)));
                partial = partial.slice(MAX_LOG_LINE);
            }
        }
    };
    const run = await (0,process_group/* runProgram */.mB)('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', request.command], {
        env: request.env,
        cwd: request.cwd,
        signal: request.signal,
        timeoutMs: request.timeoutMs,
        onOutput: (chunk) => take(decoder.write(redactor.push(chunk))),
    });
    take(decoder.write(redactor.end()) + decoder.end());
    if (partial !== '' && request.onLine)
        request.onLine(stripAnsi(partial));
    return {
        command: request.secrets.redact(request.command),
        passed: run.stopped === undefined && run.spawnError === undefined && run.exitCode === 0,
        exitCode: run.stopped === undefined ? run.exitCode : null,
        timedOut: run.stopped === 'timedOut',
        cancelled: run.stopped === 'cancelled',
        spawnError: run.spawnError?.message,
        durationMs: run.durationMs,
        output: boundOutput(stripAnsi(tail)),
    };
}
/** CSI sequences (colours, cursor moves), OSC sequences (titles, links), and other two-byte escapes. */
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
/** ANSI escape sequences, and the lone carriage returns of progress bars turned into line breaks. */
function stripAnsi(text) {
    return text.replace(ANSI_ESCAPE, '').replace(/\r(?!\n)/g, '\n');
}
/** The last `CHECK_OUTPUT_MAX_LINES` lines and at most `CHECK_OUTPUT_MAX_BYTES`, cut at a line start. */
function boundOutput(text) {
    let lines = text.replace(/\s+$/, '').split('\n');
    if (lines.length > CHECK_OUTPUT_MAX_LINES)
        lines = lines.slice(-CHECK_OUTPUT_MAX_LINES);
    while (lines.length > 1 && Buffer.byteLength(lines.join('\n')) > CHECK_OUTPUT_MAX_BYTES)
        lines.shift();
    const kept = lines.join('\n');
    // One enormous line: keep its end.
    return Buffer.byteLength(kept) > CHECK_OUTPUT_MAX_BYTES ? kept.slice(-CHECK_OUTPUT_MAX_BYTES / 2) : kept;
}

;// CONCATENATED MODULE: ./src/core/gate.ts
/**
 * The COMPLETION_GATE parser: how Claude tells the loop whether the task is done (`ready`, `reason`, `progress`,
 * `blockers`, one per line between the tags; `formatGate` writes one). Pure, linear in time on any input (one split
 * at the end tags, one pass over the lines, no regular expressions), and never throws: a garbled block is no gate.
 */
const GATE_START = '<COMPLETION_GATE>';
const GATE_END = '</COMPLETION_GATE>';
/** The last complete, well-formed gate anywhere in `text`, or undefined when there is none. */
function parseGate(text) {
    const blocks = findBlocks(text);
    // Later blocks win; a garbled one does not hide the valid one before it.
    for (let i = blocks.length - 1; i >= 0; i--) {
        const { from, to } = blocks[i];
        const gate = parseGateBody(text.slice(from, to));
        if (gate)
            return gate;
    }
    return undefined;
}
/**
 * The gate that ends `text`, or undefined. Claude is told to print its gate as the very last thing of its reply; a
 * gate with more text after it is one it quoted (from a file, the docs, its plan), not its verdict. After the end tag
 * only whitespace may follow, or a closing code fence when a fence was opened just before the start tag. There is
 * no falling back to an earlier block: if the last block does not end the text, nothing does.
 */
function parseFinalGate(text) {
    const last = findBlocks(text).at(-1);
    if (last === undefined)
        return undefined;
    const { from, to } = last;
    const after = text.slice(to + GATE_END.length).trim();
    if (after !== '' && !closesFence(after, lastLine(text.slice(0, from - GATE_START.length))))
        return undefined;
    return parseGateBody(text.slice(from, to));
}
/**
 * `text` without the gate that ends it (the block `parseFinalGate` reads, with the code fence around it, if any):
 * Claude's final words for a reader. Text that a gate does not end comes back as it is.
 */
function withoutFinalGate(text) {
    const last = findBlocks(text).at(-1);
    if (last === undefined)
        return text;
    const before = text.slice(0, last.from - GATE_START.length);
    const after = text.slice(last.to + GATE_END.length).trim();
    const opening = lastLine(before);
    if (after !== '' && !closesFence(after, opening))
        return text;
    const kept = after === '' ? before : before.trimEnd().slice(0, -opening.length);
    return kept.trimEnd();
}
/** Whether `closing` is a fence that closes the one `opening` opens: the marker alone, same character, no shorter. */
function closesFence(closing, opening) {
    const open = fenceMarker(opening);
    const close = fenceMarker(closing);
    return open !== undefined && close === closing && close[0] === open[0] && close.length >= open.length;
}
/** The run of three or more backticks or tildes that starts `line`, or undefined when it is not a fence. */
function fenceMarker(line) {
    const char = line[0];
    if (char !== '`' && char !== '~')
        return undefined;
    let end = 1;
    while (line[end] === char)
        end++;
    return end >= 3 ? line.slice(0, end) : undefined;
}
/** The last non-blank line of `text`, trimmed. */
function lastLine(text) {
    const trimmed = text.trimEnd();
    return trimmed.slice(trimmed.lastIndexOf('\n') + 1).trim();
}
/**
 * Content spans of every complete block: each end tag closes the nearest start tag before it, if one comes after the
 * end tag before it. So a start tag followed by another start tag before any end tag is unclosed and skipped (pairing
 * the first start tag of the whole text with every end tag would return the wrong block), and so is one that no end
 * tag follows.
 */
function findBlocks(text) {
    const blocks = [];
    let offset = 0;
    // Every piece but the last is followed by an end tag.
    for (const piece of text.split(GATE_END).slice(0, -1)) {
        const start = piece.lastIndexOf(GATE_START);
        if (start !== -1)
            blocks.push({ from: offset + start + GATE_START.length, to: offset + piece.length });
        offset += piece.length + GATE_END.length;
    }
    return blocks;
}
/** A gate from the text between the tags; undefined when it does not say `ready`. */
function parseGateBody(body) {
    const content = body.trim();
    if (content.startsWith('{')) {
        const fromJson = gateFromJson(content);
        if (fromJson)
            return fromJson;
    }
    return gateFromLines(body);
}
/** The gate, when the draft has read its `ready`. */
function finished(gate) {
    return gate.ready === undefined ? undefined : { ready: gate.ready, ...gate };
}
/** `content` starts with `{`: when it parses at all, it is an object. */
function gateFromJson(content) {
    const value = parseJson(content);
    if (value === undefined)
        return undefined;
    const gate = { extra: {} };
    for (const [rawKey, field] of Object.entries(value)) {
        const key = rawKey.trim().toLowerCase();
        if (key === 'ready') {
            gate.ready = isTruthy(field);
        }
        else if (key === 'reason' || key === 'progress') {
            gate[key] = typeof field === 'string' ? field : JSON.stringify(field);
        }
        else if (key === 'blockers') {
            gate.blockers = realBlockers(toStringList(field));
        }
        else {
            gate.extra[key] = field;
        }
    }
    return finished(gate);
}
/** Keys whose value is one string: empty, they are empty, not the start of a list. */
const SCALAR_KEYS = new Set(['ready', 'reason', 'progress']);
/**
 * `key: value` lines, read as a small YAML subset. Only a line at the body's own indentation (that of its first
 * non-blank line) is a key, so text nested under a key can never set `ready`. Nested lines are list items (`- x`)
 * under a key with an empty value, or the lines of a block scalar (`>` folds them with spaces, `|` keeps the
 * newlines), and are ignored anywhere else. List items at the key's own indentation are read too, as YAML does.
 */
function gateFromLines(body) {
    const gate = { extra: {} };
    let topIndent;
    let open;
    const closeOpenValue = () => {
        if (open?.kind === 'list') {
            if (open.key === 'blockers')
                gate.blockers = realBlockers(open.items);
            else
                gate.extra[open.key] = open.items;
        }
        else if (open?.kind === 'block') {
            setKey(gate, open.key, open.folded ? foldLines(open.lines) : literalLines(open.lines), true);
        }
        open = undefined;
    };
    for (const rawLine of body.split('\n')) {
        const line = rawLine.trim();
        if (line === '') {
            if (open?.kind === 'block' && open.lines.length > 0)
                open.lines.push('');
            continue;
        }
        topIndent ??= indentation(rawLine);
        if (open?.kind === 'list' && line.startsWith('-')) {
            open.items.push(unquote(line.slice(1)));
            continue;
        }
        // Deeper than the keys: never a key, whatever it says.
        if (indentation(rawLine) > topIndent) {
            if (open?.kind === 'block')
                open.lines.push(rawLine.trimEnd());
            continue;
        }
        closeOpenValue();
        open = keyLine(gate, line);
    }
    closeOpenValue();
    return finished(gate);
}
/** A line at the keys' indentation: a key and its value, or a key whose list or block scalar the next lines hold. */
function keyLine(gate, line) {
    const colon = line.indexOf(':');
    if (colon < 0)
        return undefined;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (isBlockScalarHeader(value))
        return { kind: 'block', key, folded: value[0] === '>', lines: [] };
    if (value === '' && !SCALAR_KEYS.has(key))
        return { kind: 'list', key, items: [] };
    setKey(gate, key, value, false);
    return undefined;
}
/**
 * Sets one top-level key from the text after its colon, or from the text of its block scalar (`fromBlock`), which is
 * taken as it is: no quotes to strip, no JSON to read.
 */
function setKey(gate, key, value, fromBlock) {
    const text = fromBlock ? value : unquote(value);
    switch (key) {
        case 'ready':
            gate.ready = isTruthy(text);
            break;
        case 'reason':
        case 'progress':
            gate[key] = text;
            break;
        case 'blockers':
            gate.blockers = realBlockers((fromBlock ? undefined : parseJsonStringList(value)) ?? [text]);
            break;
        default:
            gate.extra[key] = (fromBlock ? undefined : parseJson(value)) ?? text;
    }
}
/** `>` or `|`, with an optional chomping indicator: the value is in the more indented lines that follow. */
function isBlockScalarHeader(value) {
    return ((value[0] === '>' || value[0] === '|') && (value.length === 1 || (value.length === 2 && '+-'.includes(value[1]))));
}
/** A folded block scalar: lines joined with spaces; a blank line between them becomes a newline. */
function foldLines(lines) {
    const parts = [];
    let blankBefore = false;
    for (const line of lines) {
        const content = line.trim();
        if (content === '') {
            blankBefore = true;
            continue;
        }
        if (parts.length > 0)
            parts.push(blankBefore ? '\n' : ' ');
        parts.push(content);
        blankBefore = false;
    }
    return parts.join('');
}
/** A literal block scalar: newlines kept, the indentation of its first line taken off every line. */
function literalLines(lines) {
    const indent = lines.length > 0 ? indentation(lines[0]) : 0;
    return lines
        .map((line) => line.slice(Math.min(indent, indentation(line))))
        .join('\n')
        .trimEnd();
}
function indentation(line) {
    return line.length - line.trimStart().length;
}
function isTruthy(value) {
    if (value === true || value === 1)
        return true;
    if (typeof value !== 'string')
        return false;
    const lower = value.trim().toLowerCase();
    return lower === 'true' || lower === 'yes' || lower === '1';
}
/** Blockers as strings; `null` becomes `"null"`, a placeholder that is then dropped. */
function toStringList(value) {
    if (Array.isArray(value))
        return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    return [typeof value === 'string' ? value : JSON.stringify(value)];
}
/**
 * What Claude writes when there is nothing in the way. Kept out of `blockers`, so that the reports say "None
 * reported" and the breaker never sees `none` as the same error repeated.
 */
const PLACEHOLDERS = new Set(['', 'none', 'n/a', 'na', '-', '~', 'nothing', 'null']);
const TRAILING_PUNCTUATION = '.,;:!?';
function realBlockers(blockers) {
    return blockers.filter((blocker) => !isPlaceholder(blocker));
}
/** Empty, or a placeholder word in any case, whatever punctuation follows it (`None.`, `N/A!`). */
function isPlaceholder(blocker) {
    const word = blocker.trim().toLowerCase();
    let end = word.length;
    while (end > 0 && TRAILING_PUNCTUATION.includes(word.charAt(end - 1)))
        end--;
    return PLACEHOLDERS.has(word.slice(0, end));
}
function parseJson(value) {
    try {
        return JSON.parse(value);
    }
    catch {
        return undefined;
    }
}
function parseJsonStringList(value) {
    const parsed = parseJson(value);
    return Array.isArray(parsed) ? toStringList(parsed) : undefined;
}
/** Strips one pair of surrounding quotes; a double-quoted value is read as a JSON string when it is one. */
function unquote(raw) {
    const value = raw.trim();
    if (value.length >= 2) {
        const first = value[0];
        const last = value[value.length - 1];
        if (first === '"' && last === '"') {
            const parsed = parseJson(value);
            return typeof parsed === 'string' ? parsed : value.slice(1, -1);
        }
        if (first === "'" && last === "'")
            return value.slice(1, -1);
    }
    return value;
}
/** The block Claude is asked to print; also what the round-trip tests feed back to the parser. */
function formatGate(gate) {
    const lines = [GATE_START, `ready: ${gate.ready}`];
    if (gate.reason !== undefined)
        lines.push(`reason: ${JSON.stringify(gate.reason)}`);
    if (gate.progress !== undefined)
        lines.push(`progress: ${JSON.stringify(gate.progress)}`);
    if (gate.blockers !== undefined)
        lines.push(`blockers: ${JSON.stringify(gate.blockers)}`);
    lines.push(GATE_END);
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/claude/sandbox-settings.ts
/**
 * The `--settings` JSON that turns on Claude Code's own sandbox, merged with one the user passes. Pure: the caller
 * reads a settings file. The CLI keeps only one --settings, so the user's goes in merged, never beside ours.
 */
/** The CLI's file tools; 2.1.330 has no Glob and Grep of its own, but other versions do. */
const FILE_TOOLS = ['Read', 'Edit', 'Write', 'Glob', 'Grep'];
/**
 * Permission rules that keep the file tools out of private places: they hold in every permission mode, and the CLI
 * applies the Read rules to sandboxed commands as well. `//` starts an absolute path, `~/` the home directory.
 */
function sandboxDenyRules(privateDirectories) {
    const places = ['//proc/**', ...privateDirectories.map((directory) => `/${trimSlash(directory)}/**`), '~/.*'];
    return FILE_TOOLS.flatMap((tool) => places.map((place) => `${tool}(${place})`));
}
/**
 * The user's settings with the sandbox on: ours win for the keys we set (no command runs outside the sandbox, the
 * CLI refuses to start without one, the network is `allowedDomains`), the user's other sandbox keys stay, and the
 * deny rules are the union of both.
 */
function settingsWithSandbox(userSettings, policy) {
    const userSandbox = objectOr(userSettings.sandbox);
    const userPermissions = objectOr(userSettings.permissions);
    const userDeny = Array.isArray(userPermissions.deny) ? userPermissions.deny : [];
    return {
        ...userSettings,
        sandbox: {
            ...userSandbox,
            enabled: true,
            // Without it, a CLI that finds no bubblewrap runs every command unsandboxed after one line on stderr.
            failIfUnavailable: true,
            allowUnsandboxedCommands: false,
            // Commands listed here would run outside the sandbox.
            excludedCommands: [],
            network: { ...objectOr(userSandbox.network), allowedDomains: [...policy.allowedDomains] },
        },
        permissions: {
            ...userPermissions,
            deny: [...new Set([...userDeny, ...sandboxDenyRules(policy.privateDirectories)])],
        },
    };
}
/** The value of the user's `--settings` (the last one, as the CLI keeps), and the other arguments. */
function takeSettingsArg(args) {
    let settings;
    const rest = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '--settings' && i + 1 < args.length)
            settings = args[++i];
        else if (arg.startsWith('--settings='))
            settings = arg.slice('--settings='.length);
        else
            rest.push(arg);
    }
    return { settings, rest };
}
/** As the CLI reads the value of --settings: JSON when it starts with `{`, else the path of a JSON file. */
function isInlineSettings(value) {
    return value.trimStart().startsWith('{');
}
/** @param where what to call the text in an error, e.g. the file it came from */
function parseSettings(text, where) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`The --settings for Claude Code (${where}) is not valid JSON: ${error.message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`The --settings for Claude Code (${where}) is not a JSON object.`);
    }
    return parsed;
}
function objectOr(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
function trimSlash(directory) {
    return directory.length > 1 ? directory.replace(/\/+$/, '') : directory;
}
/**
 * The one --settings value for a sandboxed run: the user's (inline in `claudeArgs`, or the file it names, which
 * `readFile` reads) merged with the sandbox's. Throws when the user's settings are not a JSON object.
 */
function sandboxSettingsJson(claudeArgs, policy, readFile) {
    const { settings } = takeSettingsArg(claudeArgs);
    let user = {};
    if (settings !== undefined) {
        user = isInlineSettings(settings)
            ? parseSettings(settings, 'inline JSON')
            : parseSettings(readFile(settings), settings);
    }
    return JSON.stringify(settingsWithSandbox(user, policy));
}

;// CONCATENATED MODULE: ./src/claude/claude-cli.ts
/**
 * The CLI's command line and environment for one iteration. Pure: the only place that knows the CLI's flags.
 */



/**
 * Tells Claude how and when to print the gate; goes in through --append-system-prompt on every iteration.
 * @param where where the loop runs, in the host's words: "a GitHub Actions job"
 */
const gateProtocol = (where) => `You are running unattended inside an automated loop (${where}). Nobody can answer questions: decide for yourself and keep working.
The loop runs you again and again, resuming this session, until you declare the task complete.
At the very end of every reply, print exactly one completion gate block in your own text (never inside a file or a command). It must be the last thing you write: any text after it cancels it.

${GATE_START}
ready: true or false
reason: "one sentence: why the task is or is not complete"
progress: "one sentence: what has been accomplished so far"
blockers: ["what still stands in the way", "one short item each"]
${GATE_END}

- ready: true only when the whole task is done and verified (for example the tests pass). The loop then stops.
- ready: false while work remains; list the concrete blockers, most important first (blockers: [] when nothing blocks). The loop runs you again.
- A gate that you quote from a file, a command's output or these instructions does not count: only the block that ends your reply.`;
/** The gate protocol, and when a check command is set, that `ready: true` is verified by running it. */
function gateSystemPrompt(where, checkCommand) {
    if (checkCommand === '')
        return gateProtocol(where);
    return `${gateProtocol(where)}
- ready: true is verified: the loop then runs this check command in the working directory, and the task is complete only when it passes: ${checkCommand}
  If it fails, the loop resumes this session with its output. Run it yourself before you say ready: true.`;
}
/**
 * @param where where the loop runs, for the system prompt (`gateProtocol`)
 * @param settings the one --settings JSON, in place of any in claude-args (the sandbox's, merged with the user's)
 */
function buildClaudeArgs(config, call, where, settings) {
    const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', config.permissionMode];
    if (call.resumeSessionId)
        args.push('--resume', call.resumeSessionId);
    else if (call.continueLastSession)
        args.push('--continue');
    if (config.model)
        args.push('--model', config.model);
    if (config.maxTurns !== undefined)
        args.push('--max-turns', String(config.maxTurns));
    if (call.maxBudgetUsd !== undefined)
        args.push('--max-budget-usd', call.maxBudgetUsd.toFixed(4));
    // One value, items joined by spaces: the CLI splits it on spaces outside parentheses (`Bash(npm test:*)` stays
    // one item), and a single value cannot make the variadic flag swallow the argument after it.
    if (config.allowedTools.length > 0)
        args.push('--allowedTools', config.allowedTools.join(' '));
    if (config.disallowedTools.length > 0)
        args.push('--disallowedTools', config.disallowedTools.join(' '));
    // The CLI keeps only one --append-system-prompt: fold the user's own into ours rather than lose the gate protocol.
    const { appended, rest } = takeAppendedPrompts(config.claudeArgs);
    args.push('--append-system-prompt', [gateSystemPrompt(where, config.checkCommand), ...appended].join('\n\n'));
    if (settings === undefined)
        args.push(...rest);
    else
        args.push(...takeSettingsArg(rest).rest, '--settings', settings);
    return args;
}
function takeAppendedPrompts(claudeArgs) {
    const appended = [];
    const rest = [];
    for (let i = 0; i < claudeArgs.length; i++) {
        const arg = claudeArgs[i];
        if (arg === '--append-system-prompt' && i + 1 < claudeArgs.length)
            appended.push(claudeArgs[++i]);
        else if (arg.startsWith('--append-system-prompt='))
            appended.push(arg.slice('--append-system-prompt='.length));
        else
            rest.push(arg);
    }
    return { appended, rest };
}
/**
 * The parent environment without anything secret of ours: the host's `withheld` variables, and any variable whose
 * value is one of `secrets` (a workflow may have put a token in GH_TOKEN as well). Also for the programs we run
 * before Claude (`claude --version`, the npm install and its install scripts).
 */
function withoutSecrets(parentEnv, secrets, withheld) {
    const env = {};
    const withheldByValue = [];
    for (const [name, value] of Object.entries(parentEnv)) {
        // search(), not test(): a host's pattern with the g or y flag would make test() skip names by its lastIndex.
        if (value === undefined || name.search(withheld) >= 0)
            continue;
        if (secrets.some((secret) => secret !== '' && value === secret))
            withheldByValue.push(name);
        else
            env[name] = value;
    }
    return { env, withheldByValue };
}
/**
 * The Anthropic credential the CLI would use: an input first (both at once is refused earlier), else the job's
 * ANTHROPIC_API_KEY, which the CLI prefers to CLAUDE_CODE_OAUTH_TOKEN, else a gateway's ANTHROPIC_AUTH_TOKEN.
 * Undefined: the CLI finds its own login.
 */
function claudeCredential(config, parentEnv) {
    if (config.anthropicApiKey)
        return { kind: 'api-key', value: config.anthropicApiKey };
    if (config.claudeCodeOauthToken)
        return { kind: 'oauth', value: config.claudeCodeOauthToken };
    if (parentEnv.ANTHROPIC_API_KEY)
        return { kind: 'api-key', value: parentEnv.ANTHROPIC_API_KEY };
    if (parentEnv.CLAUDE_CODE_OAUTH_TOKEN)
        return { kind: 'oauth', value: parentEnv.CLAUDE_CODE_OAUTH_TOKEN };
    if (parentEnv.ANTHROPIC_AUTH_TOKEN)
        return { kind: 'auth-token', value: parentEnv.ANTHROPIC_AUTH_TOKEN };
    return undefined;
}
const CREDENTIAL_VARIABLE = {
    'api-key': 'ANTHROPIC_API_KEY',
    oauth: 'CLAUDE_CODE_OAUTH_TOKEN',
    'auth-token': 'ANTHROPIC_AUTH_TOKEN',
};
/** Where the CLI reads its credential: Claude's alone, never the other programs'. */
const CLAUDE_CREDENTIALS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];
/**
 * The environment of the programs we run that are not Claude (the check command, git, `claude --version`, the
 * install): `withoutSecrets`, and without Claude's credential either, by name and by value, where the job put it in
 * its own environment rather than in an input.
 */
function withoutCredentials(parentEnv, secrets, withheld) {
    const credentials = CLAUDE_CREDENTIALS.map((name) => parentEnv[name] ?? '');
    const { env } = withoutSecrets(parentEnv, [...secrets, ...credentials], withheld);
    for (const name of CLAUDE_CREDENTIALS)
        delete env[name];
    return env;
}
function buildClaudeEnv(config, parentEnv, runningAsRoot, words, standIn) {
    const notes = [];
    // The GitHub token is for the issue only, whatever variable a workflow also put it in.
    const { env, withheldByValue } = withoutSecrets(parentEnv, [config.githubToken], words.withheld);
    if (withheldByValue.length > 0) {
        notes.push(`Not passed to Claude because they hold ${words.githubToken}: ${withheldByValue.join(', ')}.`);
    }
    if (standIn) {
        // No credential variable of the job reaches Claude, nor any other that holds one of the credentials.
        const real = new Set([
            config.anthropicApiKey,
            config.claudeCodeOauthToken,
            ...CLAUDE_CREDENTIALS.map((name) => parentEnv[name]),
        ].filter((value) => Boolean(value)));
        for (const [name, value] of Object.entries(env)) {
            if (real.has(value) || CLAUDE_CREDENTIALS.includes(name))
                delete env[name];
        }
        env[CREDENTIAL_VARIABLE[standIn.kind]] = standIn.token;
        env.ANTHROPIC_BASE_URL = standIn.baseUrl;
    }
    else {
        if (config.anthropicApiKey)
            env.ANTHROPIC_API_KEY = config.anthropicApiKey;
        if (config.claudeCodeOauthToken) {
            env.CLAUDE_CODE_OAUTH_TOKEN = config.claudeCodeOauthToken;
            // An API key from the job's environment would win over the token the user chose.
            delete env.ANTHROPIC_API_KEY;
        }
    }
    // A cloud provider signs in with the job's cloud credentials: an Anthropic one would be a secret Claude has no use for.
    const cloudSwitch = providerSwitch(config.provider);
    if (cloudSwitch) {
        env[cloudSwitch] = '1';
        const dropped = ANTHROPIC_CREDENTIAL_VARIABLES.filter((name) => name in env);
        for (const name of dropped)
            delete env[name];
        if (dropped.length > 0) {
            notes.push(`Not passed to Claude, which signs in to ${PROVIDER_NAMES[config.provider]}: ${dropped.join(', ')}.`);
        }
    }
    env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
    if (runningAsRoot && config.permissionMode === 'bypassPermissions' && env.IS_SANDBOX !== '1') {
        env.IS_SANDBOX = '1';
        notes.push('Running as root with bypassPermissions: set IS_SANDBOX=1 so that the CLI accepts it.');
    }
    return { env, notes };
}

;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/system/tool-cache.ts
/**
 * A tool cache in @actions/tool-cache's layout (`<root>/<tool>/<version>/<arch>`, whole once `<arch>.complete`
 * exists), under a root the host names: a runner's cache is shared with the actions that use that library. A private
 * cache (a user's own) refuses directories that another user could have put programs in.
 */




/** A tool's name or an exact version: one plain path segment, never `.`, `..` or a separator. */
const SEGMENT = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;
class UnsafeToolCacheError extends Error {
    name = 'UnsafeToolCacheError';
}
class ToolCache {
    root;
    options;
    constructor(root, options = {}) {
        this.root = root;
        this.options = options;
    }
    /** The directory of `tool` at exactly `version` for this machine's architecture, or '' when not cached whole. */
    find(tool, version) {
        const dir = this.dirOf(tool, version);
        if (this.options.private) {
            if (!(0,external_node_fs_namespaceObject.existsSync)(this.root))
                return '';
            this.checkOwnership(dir);
        }
        return (0,external_node_fs_namespaceObject.existsSync)(dir) && (0,external_node_fs_namespaceObject.existsSync)(`${dir}.complete`) ? dir : '';
    }
    /**
     * Copies what `sourceDir` holds into the cache and marks it whole last: a copy cut off half-way is never found.
     * Links are copied as they are (npm's `.bin` entries point relatively into `node_modules`).
     * @returns the cached directory.
     */
    async add(sourceDir, tool, version) {
        const dir = this.dirOf(tool, version);
        if (this.options.private) {
            (0,external_node_fs_namespaceObject.mkdirSync)(this.root, { recursive: true, mode: 0o700 });
            this.checkOwnership(dir);
        }
        await (0,external_node_fs_promises_namespaceObject.rm)(`${dir}.complete`, { force: true });
        await (0,external_node_fs_promises_namespaceObject.rm)(dir, { recursive: true, force: true });
        await (0,external_node_fs_promises_namespaceObject.mkdir)(dir, { recursive: true });
        await (0,external_node_fs_promises_namespaceObject.cp)(sourceDir, dir, { recursive: true, verbatimSymlinks: true });
        await (0,external_node_fs_promises_namespaceObject.writeFile)(`${dir}.complete`, '');
        return dir;
    }
    dirOf(tool, version) {
        for (const [what, value] of [
            ['tool name', tool],
            ['version', version],
        ]) {
            if (!SEGMENT.test(value)) {
                throw new Error(`The tool cache takes a plain ${what} (letters, digits, . + - _), not "${value}".`);
            }
        }
        return external_node_path_default().join(this.root, tool, version, external_node_os_default().arch());
    }
    /**
     * The root (followed if it is a link: a user's cache may live elsewhere) and each directory below it on the way to
     * `dir` that exists (not followed: the cache never makes links there).
     */
    checkOwnership(dir) {
        checkPrivate(this.root, (0,external_node_fs_namespaceObject.statSync)(this.root));
        let current = this.root;
        for (const segment of external_node_path_default().relative(this.root, dir).split((external_node_path_default()).sep)) {
            current = external_node_path_default().join(current, segment);
            let stats;
            try {
                stats = (0,external_node_fs_namespaceObject.lstatSync)(current);
            }
            catch {
                return;
            }
            checkPrivate(current, stats);
        }
    }
}
function checkPrivate(dir, stats) {
    const uid = process.getuid?.();
    if (uid === undefined)
        return;
    const problem = !stats.isDirectory()
        ? 'is not a directory'
        : stats.uid !== uid && stats.uid !== 0
            ? `belongs to another user (uid ${stats.uid}; you are uid ${uid})`
            : (stats.mode & 0o022) !== 0
                ? `can be written by other users (mode ${(stats.mode & 0o777).toString(8)})`
                : undefined;
    if (problem === undefined)
        return;
    throw new UnsafeToolCacheError(`Refusing the tool cache directory ${dir}: it ${problem}, so the programs in it could be someone else's. ` +
        'Remove it (or make it yours and writable by you alone) and run again.');
}

;// CONCATENATED MODULE: ./src/claude/claude-install.ts
/**
 * Finds the `claude` executable: the path the user named, whatever its version; else `claude` on PATH when it is the
 * pinned version (or any, when the user says so); else the pinned version in the host's tool cache; else that version
 * installed with npm, retried, and put in the tool cache. A `claude` of another version on PATH is not used silently.
 */





const VERSION_TIMEOUT_MS = 30_000;
/** The tool's name in the tool cache: `<cache>/claude-code/<version>/<arch>`. */
const TOOL_NAME = 'claude-code';
/** Waits before the second and third npm install attempts: a registry hiccup is usually over by then. */
const INSTALL_RETRY_DELAYS_MS = [5_000, 15_000];
/** npm's codes for a version or package that does not exist: trying again cannot help. */
const PERMANENT_NPM_ERRORS = /\b(E404|ETARGET|EINVALIDTAGNAME|EINVALIDPACKAGENAME)\b/;
class ClaudeNotFoundError extends Error {
    name = 'ClaudeNotFoundError';
}
/**
 * Set-up was stopped (a cancellation, the time limit) while `claude --version` or the npm install ran; they and
 * their children are stopped.
 */
class SetupCancelledError extends Error {
    during;
    name = 'SetupCancelledError';
    /** What was running, for a reason: "during `claude --version`". */
    constructor(message, during = 'before it began') {
        super(message);
        this.during = during;
    }
}
/**
 * PATH is read from `process.env`, as @actions/io does; `env` is the environment of what runs (`claude --version`,
 * npm and its install scripts): keep secrets out of it (`withoutSecrets`).
 * @param signal on abort, stops what runs (with all its children) and rejects with `SetupCancelledError`.
 */
async function locateClaude(claudePath, claudeVersion, env, log, signal, options) {
    const warning = options.warning ?? log;
    if (signal?.aborted)
        throw new SetupCancelledError('Cancelled before looking for claude.');
    if (claudePath !== '') {
        const resolved = external_node_path_default().resolve(claudePath);
        if (!isExecutableFile(resolved)) {
            throw new ClaudeNotFoundError(options.describe({ kind: 'claude-path-not-executable', given: claudePath, resolved }));
        }
        return { path: resolved, version: await versionOf(resolved, env, signal), source: 'claude-path' };
    }
    const { which } = await __nccwpck_require__.e(/* import() */ 669).then(__nccwpck_require__.bind(__nccwpck_require__, 669));
    const onPath = await which('claude', false);
    if (onPath !== '') {
        if (options.fromPath)
            return { path: onPath, version: await versionOf(onPath, env, signal), source: 'PATH' };
        const version = await versionOf(onPath, env, signal).catch((error) => {
            if (error instanceof SetupCancelledError)
                throw error;
            warning(`${error.message}: using @anthropic-ai/claude-code@${claudeVersion} instead.`);
            return undefined;
        });
        if (version === claudeVersion)
            return { path: onPath, version, source: 'PATH' };
        if (version !== undefined) {
            warning(options.describe({ kind: 'path-version-differs', onPath, version, wanted: claudeVersion }));
        }
    }
    const toolCache = new ToolCache(options.toolCacheDir, { private: options.privateToolCache });
    const cachedDir = toolCache.find(TOOL_NAME, claudeVersion);
    if (cachedDir !== '') {
        const cached = binIn(cachedDir);
        // A broken cached copy is reinstalled; a cancellation is not a broken copy.
        const version = isExecutableFile(cached)
            ? await versionOf(cached, env, signal).catch((error) => {
                if (error instanceof SetupCancelledError)
                    throw error;
                return '';
            })
            : '';
        if (version !== '')
            return { path: cached, version, source: 'tool cache' };
        log(`The cached ${TOOL_NAME} ${claudeVersion} in ${cachedDir} does not run: installing it again.`);
    }
    const installedDir = await install(claudeVersion, env, log, signal, {
        ...options,
        toolCache,
        retryDelaysMs: options.retryDelaysMs ?? INSTALL_RETRY_DELAYS_MS,
    });
    const installed = binIn(installedDir);
    return { path: installed, version: await versionOf(installed, env, signal), source: 'installed' };
}
/** Where npm puts the `claude` command under an install prefix. */
function binIn(prefix) {
    return external_node_path_default().join(prefix, 'node_modules', '.bin', 'claude');
}
/**
 * Installs into a fresh directory and only then copies it into the tool cache, which marks it complete last: an
 * install that fails or is cancelled half-way never leaves a copy that a later job would take for a whole one.
 * @returns the tool-cache directory.
 */
async function install(claudeVersion, env, log, signal, options) {
    const { toolCache, retryDelaysMs } = options;
    const what = `@anthropic-ai/claude-code@${claudeVersion}`;
    const { which } = await __nccwpck_require__.e(/* import() */ 669).then(__nccwpck_require__.bind(__nccwpck_require__, 669));
    const npm = await which('npm', false);
    if (npm === '')
        throw new ClaudeNotFoundError(options.describe({ kind: 'npm-missing', what }));
    const attempts = retryDelaysMs.length + 1;
    for (let attempt = 1;; attempt++) {
        const staging = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(options.tempDir, 'claude-code-install-'));
        try {
            log(`Installing ${what} with npm${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}.`);
            // Install scripts must run: the package's postinstall puts the native binary in place.
            const run = await runChild(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', staging, what], { ...env, npm_config_ignore_scripts: 'false' }, signal);
            const failure = failureText(run);
            if (failure === undefined) {
                if (!isExecutableFile(binIn(staging))) {
                    throw new ClaudeNotFoundError(`npm installed ${what}, but it has no node_modules/.bin/claude.`);
                }
                const cached = await toolCache.add(staging, TOOL_NAME, claudeVersion);
                log(`Installed ${what} into ${cached}.`);
                return cached;
            }
            const message = options.describe({ kind: 'npm-failed', what, failure });
            if (attempt === attempts || PERMANENT_NPM_ERRORS.test(run.stderr))
                throw new ClaudeNotFoundError(message);
            const delayMs = retryDelaysMs[attempt - 1];
            log(`${message} Trying again in ${delayMs / 1000} s.`);
        }
        finally {
            (0,external_node_fs_namespaceObject.rmSync)(staging, { recursive: true, force: true });
        }
        try {
            await (0,promises_namespaceObject.setTimeout)(retryDelaysMs[attempt - 1], undefined, { signal });
        }
        catch {
            throw new SetupCancelledError(`Cancelled while waiting to retry the install of ${what}.`, `while waiting to retry the install of ${what}`);
        }
    }
}
/** `claude --version` prints e.g. "2.1.330 (Claude Code)". */
async function versionOf(executable, env, signal) {
    const run = await runChild(executable, ['--version'], env, signal, VERSION_TIMEOUT_MS);
    const failure = failureText(run);
    if (failure !== undefined)
        throw new ClaudeNotFoundError(`${executable} --version failed: ${failure}`);
    return run.stdout.trim().split(/\s/)[0] ?? '';
}
function cancelled(command, args) {
    return new SetupCancelledError(`Cancelled while running ${external_node_path_default().basename(command)}; it and its children were stopped.`, `during \`${[external_node_path_default().basename(command), ...args.slice(0, 1)].join(' ')}\``);
}
/** Runs a set-up program in its own process group; a cancellation stops the group and becomes the error. */
async function runChild(command, args, env, signal, timeoutMs) {
    const run = await (0,process_group/* runProgram */.mB)(command, args, { env, signal, timeoutMs });
    if (run.stopped === 'cancelled')
        throw cancelled(command, args);
    return run;
}
/** What went wrong, with the end of stderr when the program ran and failed; undefined when it succeeded. */
function failureText(run) {
    if (run.spawnError !== undefined)
        return run.spawnError.message;
    if (run.stopped === 'timedOut')
        return `it did not finish within ${VERSION_TIMEOUT_MS / 1000} s`;
    if (run.exitCode === 0)
        return undefined;
    const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
    const stderr = run.stderr.trim().split('\n').slice(-5).join('\n');
    return `${how}: ${stderr || 'no output on stderr'}`;
}
function isExecutableFile(file) {
    try {
        if (!(0,external_node_fs_namespaceObject.existsSync)(file) || !(0,external_node_fs_namespaceObject.statSync)(file).isFile())
            return false;
        (0,external_node_fs_namespaceObject.accessSync)(file, external_node_fs_namespaceObject.constants.X_OK);
        return true;
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(421);
;// CONCATENATED MODULE: ./src/claude/line-splitter.ts
/**
 * Splits a byte stream into lines without ever holding more than one line (up to a cap) in memory. A line longer
 * than the cap is dropped and counted, so one enormous tool result cannot exhaust memory; the raw bytes still reach
 * the transcript, which is written from the chunks, not from here.
 */
class LineSplitter {
    onLine;
    maxLineBytes;
    pending = [];
    pendingBytes = 0;
    overflowing = false;
    droppedLines = 0;
    /**
     * @param onLine receives each line without its newline, as a view into the stream's chunks (or a fresh buffer for
     *   a line that spanned chunks): read it during the call, do not keep it. Empty lines and lone `\r`s are skipped.
     */
    constructor(onLine, maxLineBytes = 64 * 1024 * 1024) {
        this.onLine = onLine;
        this.maxLineBytes = maxLineBytes;
    }
    push(chunk) {
        let start = 0;
        let newline = chunk.indexOf(10, start);
        while (newline >= 0) {
            if (this.pendingBytes === 0 && !this.overflowing) {
                // The common case: a whole line inside one chunk, passed on as a view of it.
                if (newline - start <= this.maxLineBytes)
                    this.emit(chunk.subarray(start, newline));
                else
                    this.droppedLines += 1;
            }
            else {
                this.append(chunk.subarray(start, newline));
                this.flush();
            }
            start = newline + 1;
            newline = chunk.indexOf(10, start);
        }
        this.append(chunk.subarray(start));
    }
    /** Call when the stream ends: a last line without a newline still counts. */
    end() {
        this.flush();
    }
    append(part) {
        if (this.overflowing)
            return;
        // Without this, the empty tail of every chunk that ends with a newline would stay in `pending`, keeping the chunk
        // alive, while the fast path goes on: memory only, the lines are the same.
        if (part.length === 0)
            return;
        if (this.pendingBytes + part.length > this.maxLineBytes) {
            this.overflowing = true;
            this.pending = [];
            this.pendingBytes = 0;
            return;
        }
        // Stream chunks are fresh buffers, never reused, so a view is enough.
        this.pending.push(part);
        this.pendingBytes += part.length;
    }
    flush() {
        if (this.overflowing) {
            this.droppedLines += 1;
            this.overflowing = false;
            return;
        }
        const line = Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(line);
    }
    emit(line) {
        if (line.length > 0 && !(line.length === 1 && line[0] === 13))
            this.onLine(line);
    }
}

;// CONCATENATED MODULE: ./src/core/failure.ts
const AUTH_TEXT = /invalid api key|not logged in|please run \/login|authentication|oauth token|unauthorized|forbidden|permission_error|x-api-key/i;
/**
 * The CLI's words for a subscription's usage limit: "You've hit your limit · resets 8:14pm (UTC)", "You've hit your
 * 5-hour limit", older "Claude AI usage limit reached|<epoch>" and "5-hour limit reached ∙ resets 3pm".
 */
const USAGE_LIMIT_TEXT = /you(?:'|’)?ve hit your\b[^\n·]*\blimit|usage limit reached|usage_limit_reached|(?:5-hour|weekly|opus|sonnet) limit reached/i;
const TRANSIENT_TEXT = /overloaded|rate.?limit|too many requests|usage limit|unable to connect|connection error|econnreset|econnrefused|etimedout|epipe|socket hang up|fetch failed|network|timed? ?out|timeout|internal server error|bad gateway|service unavailable|api error: (429|5\d\d)|\((429|5\d\d)\)/i;
/** Undefined when the iteration ended normally (a turn cap is a normal end: the next iteration resumes). */
function iterationFailure(run, credentials) {
    if (run.spawnError !== undefined) {
        return { kind: 'other', message: `Could not start claude: ${run.spawnError}`, resetAt: undefined };
    }
    const result = run.stream.result;
    if (result === undefined)
        return withoutResult(run, credentials);
    if (result.subtype === 'error_max_turns')
        return undefined;
    if (result.subtype === 'error_max_budget_usd') {
        return {
            kind: 'budget',
            message: `The CLI stopped at its own budget: ${result.text || result.subtype}`,
            resetAt: undefined,
        };
    }
    if (!result.isError && (run.exitCode === 0 || run.stoppedAfterResult))
        return undefined;
    const text = result.text || lastLines(run.stderrTail) || `${result.subtype} (exit code ${run.exitCode})`;
    // Before the credentials: a usage limit is the subscription's, and its token is fine.
    if (run.stream.usageLimit || result.apiError === 'usage_limit_reached' || USAGE_LIMIT_TEXT.test(text)) {
        return usageLimitFailure(text, run.stream.usageLimit);
    }
    return classify(text, result.apiErrorStatus, credentials);
}
/** A CLI that ended without a result line: how it ended, and the end of what it wrote on stderr. */
function withoutResult(run, credentials) {
    const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
    const detail = lastLines(run.stderrTail) || 'no output on stderr';
    const text = `claude ${how} without a result line: ${detail}`;
    if (run.stream.usageLimit || USAGE_LIMIT_TEXT.test(detail))
        return usageLimitFailure(text, run.stream.usageLimit);
    return classify(text, undefined, credentials);
}
/**
 * A failure that resuming the same session again would meet again: the CLI ran far enough to report an error in a
 * result line ("No conversation found with session ID", an API 400 or 404), and it is neither transient nor about the
 * credentials, which are this run's. A CLI that printed no result line (a flag it refused) says nothing about the session.
 */
function failsEveryResume(failure, run) {
    return failure.kind === 'other' && run.stream.result !== undefined;
}
/** The reset time comes from the CLI's `rate_limit_info` when it gave one, else from its words. */
function usageLimitFailure(text, limit) {
    const resetAt = limit?.resetsAt ?? usageLimitReset(text);
    const which = limit?.limitType ? ` (${limit.limitType})` : '';
    const until = resetAt === undefined ? 'the CLI did not say when it resets' : `it resets at ${isoTime(resetAt)}`;
    return {
        kind: 'usage_limit',
        message: `Claude's usage limit${which} was reached: ${until}. The CLI said: ${text}`,
        resetAt,
        ...(limit?.limitType ? { limitType: limit.limitType } : {}),
    };
}
/** Whether a text is one of the CLI's usage-limit messages. */
function isUsageLimitText(text) {
    return USAGE_LIMIT_TEXT.test(text);
}
/** ISO 8601 in UTC, as the reports and the `resets-at` output show a time. */
function isoTime(epochMs) {
    return new Date(epochMs).toISOString();
}
function classify(text, status, credentials) {
    if (status === 401 || status === 403 || (status === undefined && AUTH_TEXT.test(text))) {
        return {
            kind: 'auth',
            message: text,
            resetAt: undefined,
            auth: { ...rejectedCredential(text, status, credentials), status },
        };
    }
    // 5xx takes in 529 Overloaded.
    const transient = status === 429 || status === 408 || (status ?? 0) >= 500 || TRANSIENT_TEXT.test(text);
    return { kind: transient ? 'transient' : 'other', message: text, resetAt: transient ? resetTime(text) : undefined };
}
/** Which credential the rejection concerns: the front end words it (an input, an environment variable). */
function rejectedCredential(text, status, credentials) {
    if (credentials.provider !== undefined && credentials.provider !== 'anthropic') {
        return { credential: 'cloud', provider: credentials.provider };
    }
    const none = !credentials.anthropicApiKey && !credentials.claudeCodeOauthToken;
    if (/not logged in|please run \/login/i.test(text) && none)
        return { credential: 'none', provider: undefined };
    const credential = credentials.claudeCodeOauthToken
        ? 'oauth-token'
        : credentials.anthropicApiKey
            ? 'api-key'
            : 'api-key-or-oauth-token';
    return { credential, provider: undefined };
}
/**
 * A reset time in the error text: the subscription limit form "usage limit reached|<epoch seconds>", or
 * "retry after N seconds" / "try again in N seconds".
 */
function resetTime(text, now = Date.now()) {
    const epoch = /limit reached\|(\d{10})\b/i.exec(text);
    if (epoch)
        return Number(epoch[1]) * 1000;
    return secondsFromNow(text, now);
}
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** "resets 8:14pm (UTC)", "resets Dec 11, 6:18am (UTC)", "will reset at 3pm (America/Santiago)". */
const RESETS_AT = /\breset(?:s)?\s+(?:at\s+)?(?:([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap]m)\s*\(([^)\s]+)\)/i;
/**
 * When a usage limit resets, from the CLI's words: the epoch form, a clock time (the next one to come, in the time
 * zone it names) with or without a date, or "in N seconds". Undefined when the text says none of these.
 */
function usageLimitReset(text, now = Date.now()) {
    const epoch = /\|(\d{10})\b/.exec(text);
    if (epoch)
        return Number(epoch[1]) * 1000;
    const clock = RESETS_AT.exec(text);
    if (clock) {
        const [, month, day, hour, minute, half, zone] = clock;
        const hours = (Number(hour) % 12) + (half.toLowerCase() === 'pm' ? 12 : 0);
        const monthIndex = month === undefined ? -1 : MONTHS.indexOf(month.toLowerCase());
        if (Number(hour) <= 12 && Number(minute ?? 0) < 60 && (month === undefined || monthIndex >= 0)) {
            const at = nextWallTime(now, zone, monthIndex, Number(day ?? 0), hours, Number(minute ?? 0));
            if (at !== undefined)
                return at;
        }
    }
    return secondsFromNow(text, now);
}
/** The first moment after `now - 1 min` that the zone's clock shows this time (on this day of this month, if given). */
function nextWallTime(now, zone, month, day, hours, minutes) {
    const today = wallClock(now, zone);
    if (today === undefined)
        return undefined;
    const candidates = month >= 0
        ? [0, 1].map((years) => [today.year + years, month, day])
        : [0, 1].map((days) => [today.year, today.month, today.day + days]);
    for (const [year, m, d] of candidates) {
        const wall = Date.UTC(year, m, d, hours, minutes);
        const offset = zoneOffset(wall, zone);
        if (offset === undefined)
            return undefined;
        const at = wall - offset;
        // The clock shows minutes: a reset in this very minute has not passed.
        if (at > now - 60_000)
            return at;
    }
    return undefined;
}
/** The date the zone's clock shows at `at`; undefined for a zone the platform does not know. */
function wallClock(at, zone) {
    const offset = zoneOffset(at, zone);
    if (offset === undefined)
        return undefined;
    const local = new Date(at + offset);
    return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate() };
}
/** How far the zone's clock is ahead of UTC at about `at` (ms). */
function zoneOffset(at, zone) {
    if (/^(?:utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(zone))
        return 0;
    try {
        const parts = new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
        }).formatToParts(new Date(at));
        const part = (type) => Number(parts.find((p) => p.type === type)?.value);
        const shown = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
        return Number.isFinite(shown) ? shown - Math.floor(at / 1000) * 1000 : undefined;
    }
    catch {
        return undefined;
    }
}
function secondsFromNow(text, now) {
    const seconds = /(?:retry after|try again in|resets in) (\d{1,6}) ?s(?:ec(?:ond)?s?)?\b/i.exec(text);
    if (seconds)
        return now + Number(seconds[1]) * 1000;
    return undefined;
}
const FIRST_RETRY_DELAY_MS = 5_000;
const MAX_RETRY_DELAY_MS = 60_000;
/**
 * How long to wait before retry number `retry` (1-based): 5 s doubling to at most 60 s, or until the limit resets
 * when the error says so. Undefined when the reset lies beyond what is left of the iteration timeout: waiting would
 * not help.
 */
function retryDelayMs(failure, retry, remainingMs, now = Date.now()) {
    if (failure.resetAt !== undefined) {
        const wait = failure.resetAt - now;
        if (wait > remainingMs)
            return undefined;
        if (wait > 0)
            return wait;
    }
    return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
}
function lastLines(text, count = 5) {
    return text.trim().split('\n').slice(-count).join(' | ');
}

;// CONCATENATED MODULE: ./src/core/stop-cause.ts


const STATUS_OF_TRIP = {
    max_iterations: 'iteration_limit_reached',
    no_changes: 'no_progress',
    same_error: 'repeated_error',
};
const STATUS_OF_KIND = {
    completed: 'completed',
    cancelled: 'cancelled',
    cancelled_setup: 'cancelled',
    time_limit: 'time_limit_reached',
    iteration_timeout: 'timed_out',
    budget: 'budget_exceeded',
    cli_budget: 'budget_exceeded',
    usage_limit: 'usage_limited',
    usage_paused: 'usage_limited',
    auth: 'failed',
    iteration_failed: 'failed',
    check_error: 'failed',
    secret_leak: 'failed',
    secret_search_failed: 'failed',
    work_tree: 'failed',
    crashed: 'failed',
};
function statusOf(cause) {
    if (cause.kind === 'breaker')
        return STATUS_OF_TRIP[cause.trip];
    if (cause.kind === 'worded')
        return cause.status;
    return STATUS_OF_KIND[cause.kind];
}
/** "before iteration 1", "after the check of iteration 2". */
function describeMoment({ stage, iteration }) {
    if (stage === 'after_check')
        return `after the check of iteration ${iteration}`;
    return `${stage} iteration ${iteration}`;
}
/** A minute count as the reasons show it: at most three decimals. */
function minutesOf(ms) {
    return +(ms / 60_000).toFixed(3);
}
/** At most this many places where a secret was found are named in a reason, each at most this long. */
const MAX_LEAK_PLACES = 10;
const MAX_LEAK_PLACE = 200;
/** "notes.txt, a1b2c3d and 2 more": where a secret was found (never what), bounded. */
function describePlaces(places) {
    const named = places.slice(0, MAX_LEAK_PLACES).map((place) => shorten(place, MAX_LEAK_PLACE));
    const more = places.length > MAX_LEAK_PLACES ? ` and ${places.length - MAX_LEAK_PLACES} more` : '';
    return `${named.join(', ')}${more}`;
}
/** When a time limit stopped the loop, to end a sentence: "during iteration 2, which was stopped." */
function describeTimeLimitWhen(when) {
    switch (when.at) {
        case 'before_iteration':
            return `before iteration ${when.iteration}.`;
        case 'during_iteration':
            return `during iteration ${when.iteration}, which was stopped.`;
        case 'before_retry':
            return `in iteration ${when.iteration}, before it could retry a transient API error (${when.error}).`;
        case 'during_check':
            return `while the check after iteration ${when.iteration} ran.`;
        case 'setup':
            return when.what === 'claude'
                ? `while setting up Claude Code. Set-up ran out of time ${when.during}; it was stopped.`
                : 'while setting up the sandbox. Installing its tools was stopped.';
    }
}
const PLAIN_KINDS = [
    'completed',
    'cli_budget',
    'usage_limit',
    'iteration_failed',
    'worded',
    'usage_paused',
    'check_error',
    'work_tree',
    'crashed',
    'secret_search_failed',
];
function isPlain(cause) {
    return PLAIN_KINDS.includes(cause.kind);
}
/** The words of a plain cause, the same for every front end. */
function plainWords(cause) {
    switch (cause.kind) {
        case 'completed':
            return cause.gateReason || 'Claude reported the task complete.';
        case 'cli_budget':
        case 'usage_limit':
        case 'iteration_failed':
        case 'worded':
            return cause.message;
        case 'usage_paused':
            return (`The loop is paused by the usage limit until ${isoTime(cause.resetsAt)} (saved by run ` +
                `${cause.runs}); a run after then continues it. The earlier run said: ${cause.earlierReason}`);
        case 'check_error':
            return cause.error;
        case 'work_tree':
            return `Could not look at the work tree ${describeMoment(cause.when)}: ${cause.error}`;
        case 'crashed':
            return `The loop stopped ${describeMoment(cause.when)}: ${cause.error}`;
        case 'secret_search_failed':
            return (`Could not search what the loop changed for secrets ${describeMoment(cause.when)}: ${cause.error}. The loop ` +
                'stops, as nothing can tell that its work holds none.');
    }
}

;// CONCATENATED MODULE: ./src/core/outcome.ts


const STATUSES = [
    'completed',
    'iteration_limit_reached',
    'no_progress',
    'repeated_error',
    'budget_exceeded',
    'usage_limited',
    'time_limit_reached',
    'timed_out',
    'cancelled',
    'failed',
];
function isStatus(value) {
    return STATUSES.includes(value);
}
const NO_TOTALS = { iterations: 0, costUsd: 0, costKnown: true, turns: 0 };
function addTotals(a, b) {
    return {
        iterations: a.iterations + b.iterations,
        costUsd: a.costUsd + b.costUsd,
        costKnown: a.costKnown && b.costKnown,
        turns: a.turns + b.turns,
    };
}
function noTokens() {
    return { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}
/** Over every run of the loop. */
function allRuns(outcome) {
    return addTotals(outcome, { ...NO_TOTALS, ...outcome.earlier });
}
/** Iterations over every run of the loop. */
function totalIterations(outcome) {
    return allRuns(outcome).iterations;
}
/** Cost over every run of the loop, and whether it is exact or a lower bound. */
function totalCost(outcome) {
    const { costUsd, costKnown } = allRuns(outcome);
    return { usd: costUsd, known: costKnown };
}
/** An outcome for a loop that never started, e.g. because an input was invalid. */
function failedBeforeStart(reason, maxIterations = 0) {
    return endedBeforeStart('failed', reason, maxIterations);
}
/** An outcome for a loop that ended before its first iteration, for a reason already in words. */
function endedBeforeStart(status, reason, maxIterations = 0) {
    return stoppedBeforeStart({ kind: 'worded', status, message: reason }, reason, maxIterations);
}
/** An outcome for a loop that ended before its first iteration: `reason` says `cause` in the front end's words. */
function stoppedBeforeStart(cause, reason, maxIterations = 0) {
    return {
        status: statusOf(cause),
        reason,
        cause,
        iterations: 0,
        maxIterations,
        records: [],
        lastGate: undefined,
        sessionId: '',
        costUsd: 0,
        costKnown: true,
        turns: 0,
        filesChanged: 0,
        transcriptFile: '',
        lastCheck: undefined,
        earlier: undefined,
        stateSaved: false,
        savedSessionFailed: false,
        resultText: '',
        wallTimeMs: 0,
        resetsAt: undefined,
        tokens: noTokens(),
        subscription: false,
    };
}
/** `Write (2), Bash (1)`: the tools whose calls the permission mode denied, most denied first. */
function describeDenials(deniedTools) {
    return Object.entries(deniedTools)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .map(([tool, count]) => `${tool} (${count})`)
        .join(', ');
}
/** Dollars as every report shows them. */
function formatCost(usd) {
    return usd.toFixed(4);
}
/**
 * The last check, for the `check` output: `passed` or `failed` only when that describes the work tree the loop ended
 * with (a consumer must not take a check of an older tree for the final one), `stale` otherwise, '' without one.
 */
function checkState(outcome) {
    const check = outcome.lastCheck;
    if (check === undefined)
        return '';
    if (check.stale)
        return 'stale';
    return check.passed ? 'passed' : 'failed';
}
/** The token counts under the names of the `tokens` output. */
function tokenCounts(tokens) {
    return {
        input: tokens.input,
        output: tokens.output,
        cache_read: tokens.cacheRead,
        cache_creation: tokens.cacheCreation,
    };
}
/** When the usage limit resets, for the `resets-at` output: '' unless the loop ended `usage_limited`. */
function resetsAtText(outcome) {
    return outcome.status === 'usage_limited' && outcome.resetsAt !== undefined ? isoTime(outcome.resetsAt) : '';
}

;// CONCATENATED MODULE: ./src/claude/stream-json.ts
/**
 * Folds the CLI's stream-json output (one JSON object per line) into the little that the loop and the reports need.
 * Pure and incremental: feed it one line at a time; it keeps counters and the last of each thing, never the
 * transcript, so memory stays flat however long an iteration runs.
 */



const NONE = Object.freeze([]);
/** From this share of a usage limit on, the loop warns that the limit is near. */
const USAGE_WARNING_UTILIZATION = 0.8;
const NON_BLANK = /\S/;
/** How the CLI (JSON.stringify) starts a user line: the tool results, which make up most of a transcript's bytes. */
const USER_LINE_START = Buffer.from('{"type":"user"');
/**
 * The key `"is_error"` is found by its end, `_error"`, and then checked for its start: a search starts with the
 * first byte of what it looks for, and an underscore is far rarer in a transcript than a quote (BENCHMARKS.md,
 * "three searches made cheaper").
 */
const IS_ERROR_END = Buffer.from('_error"');
const IS_ERROR_START = Buffer.from('"is');
/** The bytes JSON allows between tokens: space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
class StreamState {
    sessionId;
    /** The gate that ends Claude's own top-level reply so far (no text or tool call after it), if there is one. */
    lastGate;
    /** The last result line: it says how the run ended. */
    result;
    /** A run prints more than one result line when a background sub-agent wakes Claude up again. */
    resultLines = 0;
    /** Turns over all result lines. */
    turns = 0;
    lines = 0;
    malformedLines = 0;
    toolCalls = 0;
    /** Tool calls denied by the permission mode, by tool name, each call counted once over all result lines. */
    deniedTools = {};
    /** Cost fields that were not a finite, non-negative number: ignored, and said in the log. */
    invalidCosts = [];
    /** Over all result lines: each line's `model_usage_since_last_result` when it counts tokens, else its `usage`. */
    tokens = noTokens();
    usageLimit;
    usageWarning;
    deniedCallIds = new Set();
    /** Newer CLIs: the sum of each result line's `model_usage_since_last_result`. */
    costSinceLastResults;
    /** Older CLIs: `total_cost_usd` of the last result line, which covers the whole run. */
    lastTotalCost;
    /**
     * The same as `consume(line.toString('utf8'))`, except that a user line with no `"is_error": true` in it is
     * neither decoded nor parsed: it can mean nothing (only tool errors in user lines do), and such lines are most of
     * the bytes a session writes. It still counts as a line, not as a malformed one even if it were.
     */
    consumeBytes(line) {
        if (isQuietUserLine(line)) {
            this.lines += 1;
            return NONE;
        }
        return this.consume(line.toString('utf8'));
    }
    /** Consumes one line; returns what it means for the log (nothing for lines the log does not show). */
    consume(line) {
        this.lines += 1;
        let message;
        try {
            message = JSON.parse(line);
        }
        catch {
            // Not JSON: `message` stays undefined, and the line counts as malformed below.
        }
        if (!isRecord(message)) {
            this.malformedLines += 1;
            return NONE;
        }
        switch (message.type) {
            case 'system': {
                const event = this.onSystem(message);
                return event ? [event] : NONE;
            }
            case 'assistant':
                return this.onAssistant(message);
            case 'user':
                return onUser(message);
            case 'result':
                return [this.onResult(message)];
            case 'rate_limit_event': {
                const event = this.onRateLimit(message.rate_limit_info);
                return event ? [event] : NONE;
            }
            default:
                return NONE;
        }
    }
    onSystem(message) {
        if (message.subtype === 'init') {
            const sessionId = str(message.session_id);
            if (sessionId)
                this.sessionId = sessionId;
            return {
                kind: 'init',
                sessionId: sessionId ?? '',
                model: str(message.model) ?? '',
                version: str(message.claude_code_version) ?? '',
            };
        }
        if (message.subtype === 'api_retry') {
            return {
                kind: 'api_retry',
                attempt: num(message.attempt),
                maxRetries: num(message.max_retries),
                status: typeof message.error_status === 'number' ? message.error_status : undefined,
                error: str(message.error) ?? '',
            };
        }
        return undefined;
    }
    /**
     * `rate_limit_event` (2.1.330): `{status: allowed | allowed_warning | rejected, resetsAt: <unix s>, rateLimitType,
     * utilization?: 0–1, isUsingOverage, …}`. A rejected limit that overage (extra usage) covers refuses nothing.
     */
    onRateLimit(value) {
        const info = rateLimitInfo(value);
        if (info === undefined)
            return undefined;
        if (info.rejected) {
            this.usageLimit = info;
            return { kind: 'rate_limit', info };
        }
        const used = info.utilization ?? 0;
        if (used >= USAGE_WARNING_UTILIZATION && used > (this.usageWarning?.utilization ?? 0)) {
            this.usageWarning = info;
        }
        return undefined;
    }
    /**
     * The CLI's `usage_limit_reached` error, on its synthetic assistant line and on the result line (an error, so its
     * words are the CLI's, never Claude's).
     */
    onUsageLimitError(message, text) {
        const params = isRecord(message.api_error_params) ? message.api_error_params : {};
        const fromParams = rateLimitInfo(params.rate_limit_info);
        const byCode = message.api_error === 'usage_limit_reached';
        // The `|<epoch>` and "resets 8:14pm (UTC)" texts (older CLIs say only these).
        const byText = isUsageLimitText(text);
        if (!byCode && !byText && !fromParams?.rejected)
            return;
        this.usageLimit = {
            rejected: true,
            resetsAt: fromParams?.resetsAt ?? this.usageLimit?.resetsAt ?? usageLimitReset(text),
            limitType: fromParams?.limitType ?? this.usageLimit?.limitType,
            utilization: fromParams?.utilization ?? this.usageLimit?.utilization,
        };
    }
    onAssistant(message) {
        const sessionId = str(message.session_id);
        if (sessionId)
            this.sessionId = sessionId;
        // The CLI's own error message: a `<synthetic>` model, flagged as an API error (2.1.330) or not (older CLIs).
        const inner = isRecord(message.message) ? message.message : {};
        const synthetic = inner.model === '<synthetic>' ||
            message.api_error !== undefined ||
            message.error !== undefined ||
            message.is_api_error_message === true;
        if (synthetic) {
            const text = contentBlocks(message)
                .map((block) => (typeof block.text === 'string' ? block.text : ''))
                .join('\n');
            this.onUsageLimitError(message, text);
        }
        // A sub-agent's messages carry the id of the Task call that started them: they are not Claude's own word.
        const topLevel = message.parent_tool_use_id === null || message.parent_tool_use_id === undefined;
        const events = [];
        // The CLI prints one content block per line; older ones put several in one line, so walk them all.
        for (const block of contentBlocks(message)) {
            if (block.type === 'text' && typeof block.text === 'string') {
                if (!topLevel)
                    continue;
                // Claude's verdict is the gate that ends its own text: any later word of it (tool calls aside) takes it back.
                if (NON_BLANK.test(block.text)) {
                    this.lastGate = block.text.includes(GATE_START) ? parseFinalGate(block.text) : undefined;
                }
                events.push({ kind: 'text', text: block.text });
            }
            else if (block.type === 'tool_use' && typeof block.name === 'string') {
                this.toolCalls += 1;
                if (!topLevel)
                    continue;
                // A tool call after the gate means the reply went on: a run cut short there (turn cap, budget) never
                // finished it, so the gate is not its last word.
                this.lastGate = undefined;
                events.push({ kind: 'tool_use', name: block.name, input: block.input });
            }
        }
        return events;
    }
    /**
     * This run's own cost over all its result lines. Newer CLIs (2.1.2xx and later) report `total_cost_usd`
     * cumulatively over a resumed session and each line's own share in `model_usage_since_last_result` (the second
     * line after a background sub-agent has `{}` there); older ones report the run's cost in `total_cost_usd`.
     */
    get costUsd() {
        return this.costSinceLastResults ?? this.lastTotalCost ?? 0;
    }
    onResult(message) {
        const result = {
            subtype: str(message.subtype) ?? 'unknown',
            isError: message.is_error === true,
            apiErrorStatus: typeof message.api_error_status === 'number' ? message.api_error_status : undefined,
            text: resultText(message),
            sessionId: str(message.session_id),
            turns: num(message.num_turns),
            apiError: str(message.api_error),
        };
        if (result.sessionId)
            this.sessionId = result.sessionId;
        if (result.isError)
            this.onUsageLimitError(message, result.text);
        this.addTokens(message);
        this.result = result;
        this.resultLines += 1;
        this.turns += result.turns;
        this.addCost(message);
        this.addDenials(message.permission_denials);
        return { kind: 'result', result };
    }
    addCost(message) {
        const sinceLast = message.model_usage_since_last_result;
        if (isRecord(sinceLast)) {
            let sum = 0;
            for (const [model, usage] of Object.entries(sinceLast)) {
                if (isRecord(usage) && usage.costUSD !== undefined)
                    sum += this.validCost(usage.costUSD, `costUSD of ${model}`);
            }
            this.costSinceLastResults = (this.costSinceLastResults ?? 0) + sum;
        }
        else if (message.total_cost_usd !== undefined) {
            this.lastTotalCost = this.validCost(message.total_cost_usd, 'total_cost_usd');
        }
    }
    addTokens(message) {
        const sinceLast = isRecord(message.model_usage_since_last_result)
            ? Object.values(message.model_usage_since_last_result).filter(isRecord)
            : [];
        const counted = sinceLast.filter((usage) => isFiniteNumber(usage.inputTokens) || isFiniteNumber(usage.outputTokens));
        if (counted.length > 0) {
            for (const usage of counted) {
                this.tokens.input += count(usage.inputTokens);
                this.tokens.output += count(usage.outputTokens);
                this.tokens.cacheRead += count(usage.cacheReadInputTokens);
                this.tokens.cacheCreation += count(usage.cacheCreationInputTokens);
            }
            return;
        }
        if (!isRecord(message.usage))
            return;
        this.tokens.input += count(message.usage.input_tokens);
        this.tokens.output += count(message.usage.output_tokens);
        this.tokens.cacheRead += count(message.usage.cache_read_input_tokens);
        this.tokens.cacheCreation += count(message.usage.cache_creation_input_tokens);
    }
    validCost(value, field) {
        if (isFiniteNumber(value) && value >= 0)
            return value;
        this.invalidCosts.push(`${field} ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
        return 0;
    }
    addDenials(denials) {
        if (!Array.isArray(denials))
            return;
        for (const denial of denials) {
            if (!isRecord(denial))
                continue;
            const tool = str(denial.tool_name) ?? 'unknown tool';
            const id = str(denial.tool_use_id);
            if (id !== undefined) {
                // A later result line may list the same denial again.
                if (this.deniedCallIds.has(id))
                    continue;
                this.deniedCallIds.add(id);
            }
            this.deniedTools[tool] = (this.deniedTools[tool] ?? 0) + 1;
        }
    }
}
/** Tool output is never searched for a gate: it can hold any text from the repository. Only errors are logged. */
function onUser(message) {
    if (message.parent_tool_use_id !== null && message.parent_tool_use_id !== undefined)
        return NONE;
    const events = [];
    for (const block of contentBlocks(message)) {
        if (block.type === 'tool_result' && block.is_error === true) {
            events.push({ kind: 'tool_error', text: toolResultText(block.content) });
        }
    }
    return events;
}
/**
 * A line that starts the way the CLI starts a user line and has nowhere the bytes `"is_error"`, a colon and a value
 * starting with `t`. A tool error is a real `"is_error":true` key, which JSON.stringify writes as those very bytes;
 * text inside a string can only add false alarms (its quotes are escaped), and a false alarm just means parsing.
 */
function isQuietUserLine(line) {
    if (line.length < USER_LINE_START.length)
        return false;
    if (line.compare(USER_LINE_START, 0, USER_LINE_START.length, 0, USER_LINE_START.length) !== 0)
        return false;
    for (let at = line.indexOf(IS_ERROR_END); at !== -1; at = line.indexOf(IS_ERROR_END, at + IS_ERROR_END.length)) {
        const keyStart = at - IS_ERROR_START.length;
        if (line.compare(IS_ERROR_START, 0, IS_ERROR_START.length, keyStart, at) !== 0)
            continue;
        let next = skipJsonSpace(line, at + IS_ERROR_END.length);
        if (line[next] !== 0x3a /* : */)
            continue;
        next = skipJsonSpace(line, next + 1);
        if (line[next] === 0x74 /* t */)
            return false;
    }
    return true;
}
/** Past the end of the line, `line[at]` is undefined, which is no space either. */
function skipJsonSpace(line, from) {
    let at = from;
    while (JSON_SPACE.has(line[at]))
        at++;
    return at;
}
function resultText(message) {
    if (typeof message.result === 'string')
        return message.result;
    if (Array.isArray(message.errors))
        return message.errors.filter((e) => typeof e === 'string').join('; ');
    return '';
}
function toolResultText(content) {
    if (typeof content === 'string')
        return content;
    if (Array.isArray(content)) {
        return content
            .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
            .filter((text) => text !== '')
            .join('\n');
    }
    return '';
}
function contentBlocks(message) {
    const inner = message.message;
    // Stryker disable next-line ArrayDeclaration: the callers only look at blocks that are records, and the mutant's string is none
    if (!isRecord(inner) || !Array.isArray(inner.content))
        return [];
    return inner.content.filter(isRecord);
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function num(value) {
    return isFiniteNumber(value) ? value : 0;
}
/** A token count: a finite, non-negative number, else 0. */
function count(value) {
    return isFiniteNumber(value) && value >= 0 ? value : 0;
}
/** The CLI's `rate_limit_info`, read field by field; undefined when it has no status. */
function rateLimitInfo(value) {
    if (!isRecord(value) || typeof value.status !== 'string')
        return undefined;
    const windows = isRecord(value.unifiedWindows) ? Object.values(value.unifiedWindows).filter(isRecord) : [];
    const windowUse = windows.map((window) => window.utilization).filter(isFiniteNumber);
    const utilization = isFiniteNumber(value.utilization)
        ? value.utilization
        : windowUse.length > 0
            ? Math.max(...windowUse)
            : undefined;
    return {
        rejected: value.status === 'rejected' && value.isUsingOverage !== true,
        resetsAt: isFiniteNumber(value.resetsAt) && value.resetsAt > 0 ? value.resetsAt * 1000 : undefined,
        limitType: str(value.rateLimitType),
        utilization,
    };
}
function isFiniteNumber(value) {
    return Number.isFinite(value);
}

;// CONCATENATED MODULE: ./src/claude/claude-process.ts
/**
 * Runs the CLI once: spawns it directly (no shell) in its own process group, writes the prompt to stdin, streams
 * stdout line by line into a `StreamState`, appends the raw bytes to the transcript, and stops the whole group on a
 * time-out, on cancellation, or when the CLI lingers after its result line.
 */





const STDERR_TAIL_BYTES = 8 * 1024;
function runClaudeProcess(request) {
    const started = Date.now();
    const stream = new StreamState();
    const resultGraceMs = request.resultGraceMs ?? 5_000;
    const killGraceMs = request.killGraceMs ?? 3_000;
    return new Promise((resolve) => {
        let stderrTail = '';
        let timedOut = false;
        let cancelled = false;
        let stoppedAfterResult = false;
        let spawnError;
        let exitCode = null;
        let exitSignal = null;
        let settled = false;
        const timers = [];
        const child = (0,external_node_child_process_.spawn)(request.executable, request.args, {
            cwd: request.cwd,
            env: request.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            // Its own process group, so that stopping it also stops the tools it started (and nothing is orphaned).
            detached: true,
        });
        const forgetGroup = (0,process_group/* trackProcessGroup */.uU)(child.pid);
        const killGroup = (signal) => (0,process_group/* killProcessGroup */.$X)(child.pid, signal);
        const stop = () => {
            killGroup('SIGTERM');
            timers.push(setTimeout(() => killGroup('SIGKILL'), killGraceMs));
        };
        const splitter = new LineSplitter((line) => {
            const hadResult = stream.result !== undefined;
            for (const event of stream.consumeBytes(line))
                request.onEvent(event);
            if (!hadResult && stream.result !== undefined) {
                // The iteration is over once the result line is in; a CLI that does not exit is stopped.
                timers.push(setTimeout(() => {
                    stoppedAfterResult = true;
                    stop();
                }, resultGraceMs));
            }
        });
        child.stdout.on('data', (chunk) => {
            // A transcript that failed (disk full) is given up: reading never waits for it.
            if (!request.transcript.write(chunk)) {
                child.stdout.pause();
                request.transcript.onDrain(() => child.stdout.resume());
            }
            splitter.push(chunk);
        });
        // Redacted before it is cut (a cut could leave half a secret), and decoded whole characters at a time.
        const stderrDecoder = new external_node_string_decoder_.StringDecoder('utf8');
        const keepStderr = (bytes) => {
            if (bytes.length > 0)
                stderrTail = (stderrTail + stderrDecoder.write(bytes)).slice(-STDERR_TAIL_BYTES);
        };
        const stderrRedactor = request.secrets.streamRedactor();
        child.stderr.on('data', (chunk) => keepStderr(stderrRedactor.push(chunk)));
        // The CLI may exit before it reads the prompt (a usage error): that is reported by its exit, not by EPIPE.
        child.stdin.on('error', () => undefined);
        child.stdin.end(request.prompt);
        timers.push(setTimeout(() => {
            timedOut = true;
            stop();
        }, request.timeoutMs));
        const onAbort = () => {
            cancelled = true;
            killGroup('SIGTERM');
            timers.push(setTimeout(() => killGroup('SIGKILL'), Math.min(killGraceMs, 2_000)));
        };
        if (request.signal.aborted)
            onAbort();
        else
            request.signal.addEventListener('abort', onAbort, { once: true });
        const finish = () => {
            if (settled)
                return;
            settled = true;
            // What a tool left in the group without holding the output must not outlive the iteration either.
            killGroup('SIGKILL');
            forgetGroup();
            splitter.end();
            keepStderr(stderrRedactor.end());
            for (const timer of timers)
                clearTimeout(timer);
            request.signal.removeEventListener('abort', onAbort);
            resolve({
                stream,
                exitCode,
                exitSignal,
                stderrTail: stderrTail.trim(),
                droppedLines: splitter.droppedLines,
                timedOut,
                cancelled,
                stoppedAfterResult,
                spawnError,
                durationMs: Date.now() - started,
            });
        };
        child.on('error', (error) => {
            spawnError = error.message;
            finish();
        });
        child.on('exit', (code, signal) => {
            exitCode = code;
            exitSignal = signal;
            // A tool may have left a background process holding stdout open: give the pipe a moment, then stop the group.
            timers.push(setTimeout(() => {
                killGroup('SIGKILL');
                child.stdout.destroy();
                child.stderr.destroy();
                finish();
            }, 2_000));
        });
        child.on('close', finish);
    });
}

;// CONCATENATED MODULE: ./src/text/bounds.ts
/**
 * How much of a free text (Claude's words, a reason, an assessment, a blocker) each place shows, in one place: the
 * whole text is in the transcript, and each bound fits what reads it.
 */
/** A line of the live log, or a reason logged at the end: a log line a person still reads. */
const LOG_TEXT = 4_000;
/** A paragraph of a Markdown report read once at the end (the job summary, the local summary). */
const REPORT_TEXT = 2_000;
/** A paragraph of the status comment or the issue: GitHub caps a body at 65,536 characters, all else included. */
const ISSUE_TEXT = 1_000;

;// CONCATENATED MODULE: ./src/claude/live-log.ts



const MAX_ARGUMENT = 120;
const MAX_TOOL_ERROR = 500;
/** The input field that says best what a tool call does, for the tools Claude uses most. */
const MAIN_ARGUMENT = {
    Bash: 'command',
    Read: 'file_path',
    Write: 'file_path',
    Edit: 'file_path',
    MultiEdit: 'file_path',
    NotebookEdit: 'notebook_path',
    Glob: 'pattern',
    Grep: 'pattern',
    WebFetch: 'url',
    WebSearch: 'query',
    Task: 'description',
    Agent: 'description',
    TodoWrite: 'todos',
};
function formatEvent(event) {
    switch (event.kind) {
        case 'init':
            return `Claude Code ${event.version || '(version unknown)'} · model ${event.model || 'default'} · session ${event.sessionId}`;
        case 'text':
            return shorten(event.text.trim(), LOG_TEXT);
        case 'tool_use':
            return `→ ${event.name}${describeToolInput(event.name, event.input)}`;
        case 'tool_error':
            return `✗ tool error: ${oneLineShortened(event.text, MAX_TOOL_ERROR)}`;
        case 'api_retry':
            return `… API error${event.status ? ` ${event.status}` : ''} (${event.error}), the CLI retries (${event.attempt}/${event.maxRetries})`;
        case 'result':
            return undefined;
        case 'rate_limit': {
            const which = event.info.limitType ? ` (${event.info.limitType})` : '';
            const until = event.info.resetsAt ? ` until ${isoTime(event.info.resetsAt)}` : '';
            return `⏸ the usage limit${which} refuses requests${until}`;
        }
    }
}
function describeToolInput(name, input) {
    if (typeof input !== 'object' || input === null)
        return '';
    const fields = input;
    const key = MAIN_ARGUMENT[name] ?? Object.keys(fields)[0];
    if (key === undefined)
        return '';
    const value = fields[key];
    if (name === 'TodoWrite' && Array.isArray(value))
        return ` (${value.length} items)`;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text === undefined || text === '' ? '' : ` ${oneLineShortened(text, MAX_ARGUMENT)}`;
}
/**
 * `shorten(oneLine(text), max)` without collapsing the whole of a long text (a tool error can be megabytes of test
 * output). Collapsing a prefix gives a prefix of the collapsed whole, so once that is longer than `max` it decides.
 */
function oneLineShortened(text, max) {
    const window = 4 * max;
    if (text.length > window) {
        const head = oneLine(text.slice(0, window));
        if (head.length > max)
            return shorten(head, max);
    }
    return shorten(oneLine(text), max);
}

;// CONCATENATED MODULE: ./src/core/loop-state.ts



const LOOP_STATE_VERSION = 1;
/** A state is a few kilobytes; a bigger file is not one of ours. */
const MAX_STATE_BYTES = 1024 * 1024;
/**
 * Bounds of what a saved state may count (runs, iterations, turns, the breaker's counters) and cost: far above any
 * loop (`hard-limit` iterations per run), and far below where arithmetic on them would stop being exact, so that a
 * planted state cannot make a limit unreachable or a sum overflow.
 */
const MAX_SAVED_COUNT = 1_000_000;
const MAX_SAVED_COST_USD = 1_000_000;
function earlierRuns(state) {
    return {
        prompt: state.prompt,
        runs: state.runs,
        iterations: state.iterations,
        costUsd: state.costUsd,
        costKnown: state.costKnown,
    };
}
/**
 * What the writer keeps of text fields: well inside what the reader accepts (`MAX_TEXT`), and small enough that the
 * whole state, even escaped, stays under `MAX_STATE_BYTES`. A state the action writes is always one it reads back.
 */
const MAX_SAVED_TEXT = 16 * 1024;
const MAX_SAVED_BLOCKERS = 20;
const MAX_SAVED_BLOCKER = 1000;
/** The state as it is written: long texts from the task, Claude or an error shortened. */
function boundedForSaving(state) {
    const bound = (text, max = MAX_SAVED_TEXT) => text === undefined ? undefined : shorten(text, max);
    const gate = state.lastGate;
    const count = (value) => Math.min(value, MAX_SAVED_COUNT);
    return {
        ...state,
        runs: count(state.runs),
        iterations: count(state.iterations),
        turns: count(state.turns),
        costUsd: Math.min(state.costUsd, MAX_SAVED_COST_USD),
        prompt: shorten(state.prompt, MAX_SAVED_TEXT),
        reason: shorten(state.reason, MAX_SAVED_TEXT),
        checkReport: bound(state.checkReport),
        breaker: {
            runsWithoutChanges: count(state.breaker.runsWithoutChanges),
            sameErrorCount: count(state.breaker.sameErrorCount),
            lastError: bound(state.breaker.lastError, MAX_SAVED_BLOCKER),
        },
        lastGate: gate && {
            ready: gate.ready,
            reason: bound(gate.reason, MAX_SAVED_BLOCKER),
            progress: bound(gate.progress, MAX_SAVED_BLOCKER),
            blockers: gate.blockers?.slice(0, MAX_SAVED_BLOCKERS).map((blocker) => shorten(blocker, MAX_SAVED_BLOCKER)),
            extra: {},
        },
    };
}
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 64 * 1024;
/** A session id the CLI made: a UUID. Anything else would be a path or a flag smuggled into `--resume`. */
function isSessionId(value) {
    return typeof value === 'string' && SESSION_ID.test(value);
}
/** Reads a saved state, checking every field: a state that is not exactly ours is a problem, never a crash. */
function parseLoopState(text) {
    const parsed = parseVersioned(text);
    if ('problem' in parsed)
        return parsed;
    const { value } = parsed;
    // A field that is not what it should be is a problem; the state built from it is then never returned.
    const problems = [];
    const read = fieldReader(problems);
    const { sessionId, status, breaker, lastError, lastGate, resetsAt } = checkedFields(value, read, problems);
    const state = {
        version: LOOP_STATE_VERSION,
        repository: read.text(value, 'repository'),
        workingDirectory: read.text(value, 'workingDirectory'),
        prompt: read.text(value, 'prompt'),
        sessionId,
        status: status,
        reason: read.text(value, 'reason'),
        runs: read.count(value, 'runs'),
        iterations: read.count(value, 'iterations'),
        costUsd: value.costUsd,
        costKnown: value.costKnown,
        turns: read.count(value, 'turns'),
        breaker: {
            runsWithoutChanges: read.count(breaker, 'runsWithoutChanges'),
            sameErrorCount: read.count(breaker, 'sameErrorCount'),
            lastError: typeof lastError === 'string' ? lastError : undefined,
        },
        lastGate,
        checkReport: read.text(value, 'checkReport', true),
        savedAt: read.text(value, 'savedAt'),
        ...(resetsAt !== undefined ? { resetsAt } : {}),
    };
    if (problems.length > 0)
        return { problem: problems.join(', ') };
    return { state };
}
/** A JSON object of this version of the state, or what keeps it from being one. */
function parseVersioned(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        return { problem: `it is not JSON (${error.message})` };
    }
    if (!isObject(value))
        return { problem: 'it is not a JSON object' };
    if (value.version !== LOOP_STATE_VERSION) {
        return { problem: `its version is ${JSON.stringify(value.version)}, not ${LOOP_STATE_VERSION}` };
    }
    return { value };
}
/** Reads text and count fields, adding a problem for each that is not one. */
function fieldReader(problems) {
    return {
        text(record, name, optional = false) {
            const field = record[name];
            if (optional && (field === undefined || field === null))
                return undefined;
            if (typeof field !== 'string' || field.length > MAX_TEXT)
                problems.push(`'${name}' is not a string`);
            return field;
        },
        count(record, name) {
            const field = record[name];
            if (!Number.isSafeInteger(field) || field < 0 || field > MAX_SAVED_COUNT) {
                problems.push(`'${name}' is not a whole number from 0 to ${MAX_SAVED_COUNT}`);
            }
            return field;
        },
    };
}
/** The fields that need more than a type check, checked in the order their problems are told. */
function checkedFields(value, read, problems) {
    const sessionId = read.text(value, 'sessionId');
    if (!isSessionId(sessionId))
        problems.push("'sessionId' is not a session id");
    const status = read.text(value, 'status');
    if (status !== 'running' && !isStatus(status))
        problems.push(`'status' is not a status`);
    const costUsd = value.costUsd;
    if (!Number.isFinite(costUsd) || costUsd < 0 || costUsd > MAX_SAVED_COST_USD) {
        problems.push(`'costUsd' is not a number of dollars from 0 to ${MAX_SAVED_COST_USD}`);
    }
    if (typeof value.costKnown !== 'boolean')
        problems.push("'costKnown' is not true or false");
    const breaker = isObject(value.breaker) ? value.breaker : {};
    if (!isObject(value.breaker))
        problems.push("'breaker' is not an object");
    const lastError = breaker.lastError;
    if (lastError !== undefined && lastError !== null && typeof lastError !== 'string') {
        problems.push("'breaker.lastError' is not a string");
    }
    const lastGate = loop_state_parseGate(value.lastGate, problems);
    const resetsAt = read.text(value, 'resetsAt', true);
    if (resetsAt !== undefined && !Number.isFinite(Date.parse(resetsAt)))
        problems.push("'resetsAt' is not a time");
    return { sessionId, status, breaker, lastError, lastGate, resetsAt };
}
function loop_state_parseGate(value, problems) {
    if (value === undefined || value === null)
        return undefined;
    const optionalText = (field) => field === undefined || typeof field === 'string';
    const ok = isObject(value) &&
        typeof value.ready === 'boolean' &&
        optionalText(value.reason) &&
        optionalText(value.progress) &&
        (value.blockers === undefined ||
            (Array.isArray(value.blockers) && value.blockers.every((blocker) => typeof blocker === 'string')));
    if (!ok) {
        problems.push("'lastGate' is not a completion gate");
        return undefined;
    }
    // Keys the protocol does not define are not carried over: nothing reads them from a saved state.
    return {
        ready: value.ready,
        reason: value.reason,
        progress: value.progress,
        blockers: value.blockers,
        extra: {},
    };
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Continue a saved loop of this repository and directory that has not completed; anything else starts anew. */
function resumeDecision(parsed, identity) {
    if (parsed === undefined)
        return { resume: false, why: 'no saved state: starting a new loop', warn: false };
    if ('problem' in parsed) {
        return { resume: false, why: `the saved state is not usable (${parsed.problem}): starting a new loop`, warn: true };
    }
    const { state } = parsed;
    if (state.repository !== identity.repository) {
        return {
            resume: false,
            why: `the saved state belongs to another repository (${state.repository}): starting a new loop`,
            warn: true,
        };
    }
    if (state.workingDirectory !== identity.workingDirectory) {
        return {
            resume: false,
            why: `the saved state belongs to another working directory (${state.workingDirectory}): starting a new loop`,
            warn: true,
        };
    }
    if (state.status === 'completed') {
        return { resume: false, why: 'the saved loop completed: starting a new loop', warn: false };
    }
    return { resume: true, state };
}
/**
 * The saved loop of this repository and directory when a usage limit paused it and its reset is still to come: the
 * run then ends at once, without starting Claude. Undefined otherwise (the loop goes on as `resumeDecision` says).
 */
function pausedByUsageLimit(parsed, identity, now) {
    if (parsed === undefined || 'problem' in parsed)
        return undefined;
    const { state } = parsed;
    if (state.repository !== identity.repository || state.workingDirectory !== identity.workingDirectory)
        return undefined;
    if (state.status !== 'usage_limited' || state.resetsAt === undefined)
        return undefined;
    const resetsAt = Date.parse(state.resetsAt);
    return resetsAt > now ? { state, resetsAt } : undefined;
}
/**
 * The first prompt of a continued loop: the continuation prompt, preceded by this run's prompt when it is not the
 * task the loop started with (a maintainer's "/continue: fix the error messages first"), then this run's facts, then
 * what the last failed check said.
 */
function resumePrompt(state, prompt, continuationPrompt, checkCommand) {
    // The saved task is shortened as it was written.
    const parts = shorten(prompt, MAX_SAVED_TEXT).trim() === state.prompt.trim() ? [] : [prompt];
    parts.push(continuationPrompt, runFacts(checkCommand));
    if (state.checkReport)
        parts.push(state.checkReport);
    return parts.join('\n\n');
}
/**
 * What this run decides and the resumed conversation may say otherwise: an earlier run can have had another check
 * command (the system prompt of this run says the same; the conversation is older than it).
 */
function runFacts(checkCommand) {
    const check = checkCommand
        ? `When you say ready: true, the loop runs this check command in the working directory, and the task is complete only when it passes: ${checkCommand}`
        : 'No check command runs in this run: ready: true alone completes the task.';
    return (`This is a new run of the loop; what it checks may differ from earlier runs. ${check}\n` +
        `End your reply with the ${GATE_START} block, as the system prompt describes.`);
}

;// CONCATENATED MODULE: ./src/core/fingerprint.ts
function sameFingerprint(a, b) {
    if (a.head !== b.head || a.tree !== b.tree)
        return false;
    const [x, y] = [a.nested ?? {}, b.nested ?? {}];
    const paths = Object.keys(x);
    return (paths.length === Object.keys(y).length &&
        paths.every((relative) => y[relative] && sameFingerprint(x[relative], y[relative])));
}

;// CONCATENATED MODULE: ./src/core/run-state.ts





function newRunState(identity, saved, startedAt) {
    return {
        identity,
        saved,
        records: [],
        totals: NO_TOTALS,
        deniedTools: {},
        tokens: noTokens(),
        breaker: saved?.breaker ?? { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
        sessionId: saved?.sessionId,
        lastGate: saved?.lastGate,
        resultText: '',
        checkReport: saved?.checkReport,
        lastCheck: undefined,
        start: undefined,
        current: undefined,
        searched: undefined,
        checkedTree: undefined,
        treeUnlooked: false,
        savedSessionFailed: false,
        resetsAt: undefined,
        startedAt,
        warnedOfUsage: false,
        warnedOfDroppedLines: false,
    };
}
/**
 * An iteration joins the run: its cost, turns, denials, tokens and gate count from now on, and the work tree may have
 * changed until it is looked at.
 */
function withIteration(state, run) {
    const { record } = run;
    const deniedTools = { ...state.deniedTools };
    for (const [tool, count] of Object.entries(record.deniedTools))
        deniedTools[tool] = (deniedTools[tool] ?? 0) + count;
    return {
        ...state,
        records: [...state.records, record],
        totals: addTotals(state.totals, { iterations: 1, ...record }),
        deniedTools,
        tokens: addTokens(state.tokens, run.tokens),
        lastGate: record.gate ?? state.lastGate,
        sessionId: run.sessionId,
        resultText: run.resultText,
        warnedOfUsage: run.warnedOfUsage,
        warnedOfDroppedLines: run.warnedOfDroppedLines,
        treeUnlooked: true,
    };
}
function addTokens(a, b) {
    return {
        input: a.input + b.input,
        output: a.output + b.output,
        cacheRead: a.cacheRead + b.cacheRead,
        cacheCreation: a.cacheCreation + b.cacheCreation,
    };
}
/** The state a later run continues from; undefined before there is a session to resume. */
function stateToSave(state, prompt, status, reason, now) {
    if (state.sessionId === undefined)
        return undefined;
    const { saved } = state;
    return boundedForSaving({
        version: LOOP_STATE_VERSION,
        repository: state.identity.repository,
        workingDirectory: state.identity.workingDirectory,
        prompt: saved?.prompt ?? prompt,
        sessionId: state.sessionId,
        status,
        reason,
        runs: (saved?.runs ?? 0) + 1,
        ...addTotals(saved ?? NO_TOTALS, state.totals),
        breaker: state.breaker,
        lastGate: state.lastGate,
        checkReport: state.checkReport,
        savedAt: isoTime(now),
        ...(status === 'usage_limited' && state.resetsAt !== undefined ? { resetsAt: isoTime(state.resetsAt) } : {}),
    });
}
/**
 * The last check no longer describes the work tree: an iteration after it changed files, or ended before the tree was
 * looked at again (a cancellation, a broken look), so that a change cannot be ruled out.
 */
function lastCheckIsStale(state) {
    const { checkedTree, current } = state;
    return state.treeUnlooked || checkedTree === undefined || !sameFingerprint(checkedTree, current);
}
function outcomeOf(state, settings, cause, reason, facts) {
    const status = statusOf(cause);
    return {
        status,
        reason,
        cause,
        ...state.totals,
        maxIterations: settings.maxIterations,
        records: [...state.records],
        lastGate: state.lastGate,
        sessionId: state.sessionId ?? '',
        filesChanged: facts.filesChanged,
        transcriptFile: facts.transcriptFile,
        lastCheck: state.lastCheck && { ...state.lastCheck, stale: lastCheckIsStale(state) },
        earlier: state.saved ? earlierRuns(state.saved) : undefined,
        // The host knows whether the saves succeeded.
        stateSaved: false,
        savedSessionFailed: state.savedSessionFailed,
        resultText: state.resultText,
        wallTimeMs: facts.now - state.startedAt,
        resetsAt: status === 'usage_limited' ? state.resetsAt : undefined,
        tokens: { ...state.tokens },
        // The host knows which credential the CLI ran with.
        subscription: false,
    };
}

;// CONCATENATED MODULE: ./src/core/breaker.ts
/**
 * The circuit breaker: decides when a loop that has not completed is going nowhere. Pure; its rules in this order:
 * the iteration cap first, then runs without file changes, then the same error repeated. The loop checks the gate
 * before it records an iteration, so `ready: true` on the last allowed iteration completes.
 */
/**
 * A same-error threshold of N stops at the N-th consecutive iteration that reports the same error; N = 1 stops at
 * the first iteration that reports any error. A blank error is no error.
 */
class CircuitBreaker {
    limits;
    iterationCount = 0;
    runsWithoutChanges = 0;
    sameErrorCount = 0;
    lastError;
    /** Set once the breaker has opened; it stays open. */
    trip;
    /** @param carried the counts a continued loop ended its last run with */
    constructor(limits, carried) {
        this.limits = limits;
        if (carried) {
            this.runsWithoutChanges = carried.runsWithoutChanges;
            this.sameErrorCount = carried.sameErrorCount;
            this.lastError = carried.lastError;
        }
    }
    get counters() {
        return {
            runsWithoutChanges: this.runsWithoutChanges,
            sameErrorCount: this.sameErrorCount,
            lastError: this.lastError,
        };
    }
    get isOpen() {
        return this.trip !== undefined;
    }
    /** Records one finished iteration; returns true while the loop may go on. */
    recordIteration(hadChanges, error) {
        this.iterationCount += 1;
        if (this.iterationCount >= this.limits.maxIterations) {
            return this.open('max_iterations', `Maximum iterations (${this.limits.maxIterations}) reached`);
        }
        if (hadChanges) {
            this.runsWithoutChanges = 0;
        }
        else {
            this.runsWithoutChanges += 1;
            if (this.runsWithoutChanges >= this.limits.noChangeThreshold) {
                return this.open('no_changes', `No file changes for ${this.runsWithoutChanges} consecutive runs`);
            }
        }
        // A blank error is no error: it must not count as the same error repeated.
        const reported = error !== undefined && error.trim() !== '' ? error : undefined;
        if (reported === undefined) {
            this.lastError = undefined;
            this.sameErrorCount = 0;
            return true;
        }
        this.sameErrorCount = reported === this.lastError ? this.sameErrorCount + 1 : 1;
        this.lastError = reported;
        // Checked on the first occurrence too: a threshold of 1 stops at the first error, not at the first repeat.
        if (this.sameErrorCount >= this.limits.sameErrorThreshold) {
            return this.open('same_error', sameErrorReason(this.sameErrorCount, reported));
        }
        return true;
    }
    open(cause, reason) {
        this.trip = { cause, reason };
        return false;
    }
}
function sameErrorReason(count, error) {
    if (count === 1)
        return `Error reported, and same-error-threshold is 1: ${error}`;
    return `Same error repeated ${count} times: ${error}`;
}

;// CONCATENATED MODULE: ./src/core/verdict.ts
/**
 * The loop's rules as pure functions: what an iteration's result does to the run's state, and whether the loop goes
 * on or stops, and why (`next`). The loop driver gathers the result (it runs Claude, looks at the work tree, searches
 * for secrets, runs the check) and saves; times come in with the result, never from a clock.
 */




/** Whether the loop may start iteration `number`: a cancellation or the time limit stops it before. */
function stopBefore(state, number, cancelled, timeLeftMs, settings) {
    if (cancelled)
        return { kind: 'cancelled', iteration: Math.max(state.records.length, 1) };
    if (timeLeftMs > 0)
        return undefined;
    return {
        kind: 'time_limit',
        minutes: minutesOf(settings.timeLimitMs ?? 0),
        when: { at: 'before_iteration', iteration: number },
    };
}
/**
 * Whether the check runs after this iteration: Claude finished (a budget reached on the way still counts), and said
 * ready, or the check runs after every iteration.
 */
function wantsCheck(run, settings) {
    if (!settings.checkCommand || run.timedOut || run.outOfTime !== undefined || !claudeFinished(run.failure))
        return false;
    return run.record.gate?.ready === true || settings.checkOn === 'every-iteration';
}
/** Claude's finished work is not thrown away because the iteration also reached a budget: the money is spent anyway. */
function claudeFinished(failure) {
    return failure === undefined || failure.kind === 'budget';
}
/** The loop's rules for one iteration's result: the state it leaves, and whether the loop stops (and why). */
function next(state, result, settings) {
    const number = result.run.record.number;
    let step = { state: withIteration(state, result.run) };
    if (result.cancelled)
        return stopped(step.state, { kind: 'cancelled', iteration: step.state.records.length });
    step = afterLook(step.state, result.look, { stage: 'after', iteration: number });
    if (step.verdict)
        return step;
    const timeUp = ranOutOfTime(result.run, settings);
    if (timeUp)
        return stopped(step.state, timeUp);
    if (result.check) {
        step = afterCheck(step.state, result.check, result.run.record, settings);
        if (step.verdict)
            return step;
    }
    return judge(step.state, result, settings);
}
function stopped(state, stop, save = true) {
    return { state, verdict: { stop, save } };
}
/** The work tree was looked at: what changed, and whether a secret is in it, which stops the loop whatever else. */
function afterLook(state, look, when) {
    if ('error' in look)
        return stopped(state, { kind: 'work_tree', error: look.error, when });
    const looked = { ...state, current: look.tree, treeUnlooked: false };
    const secrets = look.secrets;
    if (secrets === undefined)
        return { state: looked };
    if ('error' in secrets)
        return stopped(looked, { kind: 'secret_search_failed', error: secrets.error, when }, false);
    if (secrets.found.length > 0)
        return stopped(looked, { kind: 'secret_leak', places: secrets.found, when }, false);
    return { state: { ...looked, searched: look.tree } };
}
function ranOutOfTime(run, settings) {
    if (run.outOfTime)
        return { kind: 'time_limit', minutes: minutesOf(settings.timeLimitMs ?? 0), when: run.outOfTime };
    if (!run.timedOut)
        return undefined;
    return { kind: 'iteration_timeout', iteration: run.record.number, minutes: minutesOf(settings.iterationTimeoutMs) };
}
/**
 * A check that ran to its end is the last check, and the next prompt says what a failed one said; one stopped by a
 * cancellation or the time limit neither passed nor failed. What the check writes is not Claude's progress: the next
 * iteration is compared with the tree as the check left it.
 */
function afterCheck(state, check, record, settings) {
    const number = record.number;
    if ('error' in check)
        return stopped(state, { kind: 'check_error', iteration: number, error: check.error });
    const { result, look } = check;
    let checked = state;
    if (look !== undefined) {
        const lastCheck = { ...record.check, command: settings.checkCommand, iteration: number, output: result.output };
        const checkReport = result.passed ? undefined : checkFailureReport(result, settings.checkTimeoutMs);
        const when = { stage: 'after_check', iteration: number };
        const checkedTree = 'tree' in look ? look.tree : state.checkedTree;
        const step = afterLook({ ...state, lastCheck, checkReport, checkedTree }, look, when);
        if (step.verdict)
            return step;
        checked = step.state;
    }
    if (check.cancelled)
        return stopped(checked, { kind: 'cancelled', iteration: state.records.length });
    if (!check.outOfTime)
        return { state: checked };
    const when = { at: 'during_check', iteration: number };
    return stopped(checked, { kind: 'time_limit', minutes: minutesOf(settings.timeLimitMs ?? 0), when });
}
/** Claude's gate, its failure, the breaker and the budget, in that order. */
function judge(state, result, settings) {
    const { record, failure } = result.run;
    const check = result.check && 'result' in result.check ? result.check.result : undefined;
    const gate = record.gate;
    if (gate?.ready && claudeFinished(failure) && (check === undefined || check.passed)) {
        const warning = failure ? `Iteration ${record.number} completed the task and also reached the budget.` : undefined;
        return { state, verdict: { stop: { kind: 'completed', gateReason: gate.reason ?? '' }, save: true, warning } };
    }
    if (failure)
        return failed(state, result, failure, settings);
    const counted = countIteration(state, record, check, settings);
    if (counted.verdict)
        return counted;
    if (budgetSpent(state.totals.costUsd, settings))
        return stopped(counted.state, budgetCause(state, settings, undefined));
    return { state: counted.state, verdict: { stop: undefined, note: continueNote(gate, check, record.check?.end) } };
}
/** The breaker counts an iteration that neither completed nor failed, and may trip. */
function countIteration(state, record, check, settings) {
    // A check that fails the same way again and again is the same error, whatever blockers Claude lists.
    const error = check && !check.passed ? checkFailureSignature(check, settings.checkTimeoutMs) : record.gate?.blockers?.[0];
    const breaker = new CircuitBreaker(settings, state.breaker);
    breaker.iterationCount = state.records.length - 1;
    const goOn = breaker.recordIteration(record.changed, error);
    const counted = { ...state, breaker: breaker.counters };
    if (goOn)
        return { state: counted };
    const trip = breaker.trip;
    // At the iteration limit, a ready gate whose check failed is why the loop did not complete.
    const checkEnd = trip.cause === 'max_iterations' && record.gate?.ready && check ? record.check.end : undefined;
    const denials = denialsOf(state, settings);
    return stopped(counted, { kind: 'breaker', trip: trip.cause, tripReason: trip.reason, denials, checkEnd });
}
function continueNote(gate, check, end) {
    if (gate?.ready && check && !check.passed)
        return `Claude reported ready, but the check failed (${end}): continuing`;
    if (gate)
        return `not ready: ${gate.reason || 'no reason given'}`;
    return 'no COMPLETION_GATE, continuing';
}
/** An iteration that failed: for the budget, a usage limit, or its own error. */
function failed(state, result, failure, settings) {
    if (failure.kind === 'budget')
        return stopped(state, budgetCause(state, settings, failure));
    // The reset lies beyond what this run may wait: a later run continues (the state keeps the reset time).
    if (failure.kind === 'usage_limit') {
        const cause = { kind: 'usage_limit', message: failure.message, resetsAt: failure.resetAt };
        return stopped({ ...state, resetsAt: failure.resetAt }, cause);
    }
    // A run that failed once the budget was spent (its retries were not made) ends for the budget.
    if (budgetSpent(state.totals.costUsd, settings))
        return stopped(state, budgetCause(state, settings, undefined));
    const number = result.run.record.number;
    const savedSessionFailed = state.saved !== undefined && number === 1 && result.resumeRefused;
    return stopped({ ...state, savedSessionFailed }, failureCause(failure, number));
}
/** The stop cause of an iteration's own failure. */
function failureCause(failure, iteration) {
    if (failure.auth)
        return { kind: 'auth', ...failure.auth, cliSaid: failure.message };
    return { kind: 'iteration_failed', iteration, message: failure.message };
}
function budgetSpent(costUsd, settings) {
    return costUsd >= (settings.maxBudgetUsd ?? Infinity);
}
function budgetCause(state, settings, cliStop) {
    if (settings.maxBudgetUsd === undefined)
        return { kind: 'cli_budget', message: cliStop.message };
    return {
        kind: 'budget',
        spentUsd: state.totals.costUsd,
        costKnown: state.totals.costKnown,
        limitUsd: settings.maxBudgetUsd,
        cliStop: cliStop?.message,
        denials: denialsOf(state, settings),
    };
}
/** A loop that stopped short while the permission mode denied Claude's tool calls says so: that is likely why. */
function denialsOf(state, settings) {
    if (Object.keys(state.deniedTools).length === 0)
        return undefined;
    return { permissionMode: settings.permissionMode, deniedTools: state.deniedTools };
}

;// CONCATENATED MODULE: ./src/core/loop.ts








/** The work tree could not be looked at: the loop stops with this cause. */
class WorkTreeError extends Error {
    stop;
    constructor(stop) {
        super(stop.error);
        this.stop = stop;
    }
}
/** Waited past a usage limit's reset: the CLI's reset time is in whole seconds. */
const USAGE_LIMIT_MARGIN_MS = 1_000;
/** Waits for a usage limit within one iteration: a limit that refuses again after its reset ends the run. */
const MAX_USAGE_LIMIT_WAITS = 3;
/** The smallest budget handed to the CLI: it takes dollars with cents and fractions of them. */
const MIN_CLI_BUDGET_USD = 0.0001;
async function runLoop(settings, deps, signal, start) {
    const driver = { settings, deps, signal, start };
    const loop = {
        state: newRunState(start.identity, start.saved, deps.now()),
        running: undefined,
    };
    try {
        return await iterate(driver, loop);
    }
    catch (error) {
        // Whatever broke, the iterations that ran (their cost, session, transcript, last gate) are still reported,
        // also the one that was running: what its runs spent is known, what the one that broke spent is not.
        // Only running Claude can break: the looks, the search and the check after it are caught.
        const { running } = loop;
        if (running) {
            running.run.record.costKnown = false;
            loop.state = withIteration(loop.state, running.run);
        }
        const done = loop.state.records.length;
        const when = running
            ? { stage: 'in', iteration: running.run.record.number }
            : done
                ? { stage: 'after', iteration: done }
                : { stage: 'before', iteration: 1 };
        const cause = error instanceof WorkTreeError ? error.stop : { kind: 'crashed', error: error.message, when };
        const reason = deps.describe(cause);
        if (running)
            deps.log.endIteration(running.run.record, `failed: ${reason}`);
        return finish(driver, loop.state, cause, true);
    }
}
async function iterate(driver, loop) {
    const { settings, deps, signal } = driver;
    const startTree = await lookAtWorkTree(deps, { stage: 'before', iteration: 1 });
    loop.state = { ...loop.state, start: startTree, current: startTree };
    for (let number = 1;; number++) {
        const before = stopBefore(loop.state, number, signal.aborted, timeLeft(driver), settings);
        if (before)
            return finish(driver, loop.state, before, true);
        deps.log.startIteration(number, settings.maxIterations);
        const running = { run: newIterationRun(loop.state, number), usageLimitWaits: 0 };
        loop.running = running;
        const { run, process } = await runAttempts(driver, loop.state, running);
        const result = await lookAndCheck(driver, loop.state, run, process);
        const { state, verdict } = next(loop.state, result, settings);
        loop.state = state;
        loop.running = undefined;
        if (verdict.stop) {
            if (verdict.warning)
                deps.log.warning(verdict.warning);
            const reason = deps.describe(verdict.stop);
            deps.log.endIteration(run.record, `${statusOf(verdict.stop)}: ${reason}`);
            return finish(driver, state, verdict.stop, verdict.save, reason);
        }
        await save(driver, state, 'running', '');
        deps.log.endIteration(run.record, verdict.note);
    }
}
/**
 * Iteration 1 gets the task, or in a continued loop the continuation prompt (after this run's prompt when it is new)
 * with this run's facts; later ones the continuation prompt, and what the failed check said.
 */
function iterationPrompt(driver, state, number) {
    const { settings, start } = driver;
    if (number === 1) {
        return start.saved
            ? resumePrompt(start.saved, settings.prompt, settings.continuationPrompt, settings.checkCommand)
            : settings.prompt;
    }
    return state.checkReport ? `${settings.continuationPrompt}\n\n${state.checkReport}` : settings.continuationPrompt;
}
function newIterationRun(state, number) {
    return {
        record: {
            number,
            durationMs: 0,
            turns: 0,
            toolCalls: 0,
            costUsd: 0,
            costKnown: true,
            changed: false,
            gate: undefined,
            retryNotes: [],
            subtype: undefined,
            error: undefined,
            deniedTools: {},
            check: undefined,
        },
        sessionId: state.sessionId,
        resultText: state.resultText,
        tokens: noTokens(),
        warnedOfUsage: state.warnedOfUsage,
        warnedOfDroppedLines: state.warnedOfDroppedLines,
        failure: undefined,
        timedOut: false,
        outOfTime: undefined,
    };
}
/**
 * One iteration: a run of the CLI, and re-runs after transient API errors while the timeout, the time limit and the
 * budget allow, or after a usage limit's reset when it comes soon enough.
 */
async function runAttempts(driver, state, running) {
    const { settings, deps } = driver;
    const { run } = running;
    const { record } = run;
    let process;
    for (let attempt = 1;; attempt++) {
        // CLI runs and the waits between retries: all of it counts against the iteration timeout.
        const iterationLeft = settings.iterationTimeoutMs - record.durationMs;
        const deadlineLeft = timeLeft(driver);
        process = await deps.runIteration({
            number: record.number,
            attempt,
            prompt: iterationPrompt(driver, state, record.number),
            resumeSessionId: run.sessionId,
            continueLastSession: record.number > 1 && run.sessionId === undefined,
            timeoutMs: Math.max(1, Math.min(iterationLeft, deadlineLeft)),
            maxBudgetUsd: cliBudget(settings, state.totals.costUsd, record.costUsd),
        });
        addRun(deps, run, process);
        run.timedOut = process.timedOut;
        if (process.timedOut && deadlineLeft < iterationLeft) {
            run.outOfTime = { at: 'during_iteration', iteration: record.number };
        }
        run.failure = process.cancelled || process.timedOut ? undefined : iterationFailure(process, settings);
        if (!(await again(driver, state, running, attempt)))
            break;
    }
    record.gate = process.stream.lastGate;
    record.subtype = process.stream.result?.subtype;
    record.error = run.failure && deps.describe(failureCause(run.failure, record.number));
    return { run, process };
}
/** What is left of the budget for a run of the CLI; undefined without a budget. */
function cliBudget(settings, runsUsd, iterationUsd) {
    if (settings.maxBudgetUsd === undefined)
        return undefined;
    return Math.ceil(Math.max(settings.maxBudgetUsd - runsUsd - iterationUsd, MIN_CLI_BUDGET_USD) * 1e4) / 1e4;
}
/** Whether the iteration runs the CLI again: after a usage limit's reset, or to retry a transient API error. */
async function again(driver, state, running, attempt) {
    const { failure } = running.run;
    if (failure?.kind === 'usage_limit') {
        // Not a transient error: no retry, but a wait for the reset when this run can afford it.
        if (running.usageLimitWaits >= MAX_USAGE_LIMIT_WAITS)
            return false;
        if (!(await waitForUsageReset(driver, running.run.record, failure)))
            return false;
        running.usageLimitWaits++;
        return true;
    }
    if (failure?.kind !== 'transient' || attempt > driver.settings.apiRetries || driver.signal.aborted)
        return false;
    return retry(driver, state, running.run, failure, attempt);
}
/** Waits before a retry of a transient API error, when the budget, the iteration timeout and the time limit allow. */
async function retry(driver, state, run, failure, attempt) {
    const { settings, deps, signal } = driver;
    const { record } = run;
    // A retry would spend what is no longer there.
    if (budgetSpent(state.totals.costUsd + record.costUsd, settings))
        return false;
    const iterationRemaining = settings.iterationTimeoutMs - record.durationMs;
    const remainingMs = Math.min(iterationRemaining, timeLeft(driver));
    const delay = retryDelayMs(failure, attempt, remainingMs);
    if (delay === undefined || delay >= remainingMs) {
        if (remainingMs < iterationRemaining) {
            // The time limit, not the API, ends this run: a later run can retry.
            run.outOfTime = { at: 'before_retry', iteration: record.number, error: failure.message };
            return false;
        }
        run.failure = {
            ...failure,
            message: `${failure.message} (no retry: it would not end within the iteration timeout)`,
        };
        return false;
    }
    const note = `attempt ${attempt} failed: ${failure.message}; retried after ${Math.round(delay / 1000)} s`;
    record.retryNotes.push(note);
    deps.log.warning(`Iteration ${record.number}: transient API error, retry ${attempt} of ${settings.apiRetries}: ${note}`);
    await deps.sleep(delay, signal);
    record.durationMs += delay;
    return !signal.aborted;
}
/**
 * Waits until a usage limit resets, when that comes within the iteration timeout and before this run's time limit.
 * False when it does not (or the reset time is unknown), or a cancellation stopped the wait: the iteration ends.
 */
async function waitForUsageReset(driver, record, failure) {
    const { settings, deps, signal } = driver;
    if (signal.aborted || failure.resetAt === undefined)
        return false;
    const remainingMs = Math.min(settings.iterationTimeoutMs - record.durationMs, timeLeft(driver));
    const wait = Math.max(0, failure.resetAt - deps.now()) + USAGE_LIMIT_MARGIN_MS;
    if (wait >= remainingMs)
        return false;
    const until = isoTime(failure.resetAt);
    record.retryNotes.push(`paused by the usage limit until ${until}; went on after the reset`);
    deps.log.warning(`Iteration ${record.number}: paused by the usage limit until ${until}: waiting ${Math.ceil(wait / 1000)} s, ` +
        'then the iteration goes on (a cancellation stops the wait).');
    await deps.sleep(wait, signal);
    record.durationMs += wait;
    return !signal.aborted;
}
/** Adds one run of the CLI (an attempt) to its iteration, and says what of its output was odd. */
function addRun(deps, run, process) {
    const { record } = run;
    const { stream } = process;
    run.sessionId = stream.sessionId ?? run.sessionId;
    run.resultText = stream.result?.text ?? run.resultText;
    record.durationMs += process.durationMs;
    record.costUsd += stream.costUsd;
    // A CLI that was stopped, or died, before its result line spent money nobody reported.
    if (stream.resultLines === 0 && process.spawnError === undefined)
        record.costKnown = false;
    record.turns += stream.turns;
    record.toolCalls += stream.toolCalls;
    for (const [tool, count] of Object.entries(stream.deniedTools)) {
        record.deniedTools[tool] = (record.deniedTools[tool] ?? 0) + count;
    }
    reportOddities(deps, run, process);
    run.tokens = addTokens(run.tokens, stream.tokens);
    warnOfUsage(deps, run, process);
}
/** A usage limit that is 80% used or more is recorded with its iteration, and said once per run in the log. */
function warnOfUsage(deps, run, process) {
    const warning = process.stream.usageWarning;
    if (warning === undefined)
        return;
    const { record } = run;
    if ((warning.utilization ?? 0) >= (record.usageWarning?.utilization ?? 0))
        record.usageWarning = warning;
    if (run.warnedOfUsage)
        return;
    run.warnedOfUsage = true;
    const which = warning.limitType ? ` (${warning.limitType})` : '';
    const until = warning.resetsAt === undefined ? '' : `; it resets at ${isoTime(warning.resetsAt)}`;
    deps.log.warning(`Iteration ${record.number}: ${Math.round((warning.utilization ?? 0) * 100)}% of the usage limit${which} is used${until}. ` +
        'At the limit the loop pauses until the reset. Said once per run.');
}
/** What the CLI printed that the loop had to skip or ignore is said, never silently dropped. */
function reportOddities(deps, run, process) {
    const { stream } = process;
    const number = run.record.number;
    if (stream.malformedLines > 0) {
        deps.log.warning(`Iteration ${number}: skipped ${stream.malformedLines} of ${stream.lines} lines of the CLI's output that were not JSON.`);
    }
    if (stream.invalidCosts.length > 0) {
        deps.log.warning(`Iteration ${number}: ignored cost values that are not a non-negative number: ${stream.invalidCosts.join(', ')}.`);
    }
    if (process.droppedLines > 0 && !run.warnedOfDroppedLines) {
        run.warnedOfDroppedLines = true;
        deps.log.warning(`Iteration ${number}: skipped ${process.droppedLines} line(s) of the CLI's output longer than the line limit ` +
            `(64 MiB) without reading them; they are in the transcript. Said once per loop.`);
    }
}
/** Milliseconds left before this run's time limit; Infinity without one. */
function timeLeft(driver) {
    const { deadline } = driver.start;
    return deadline === undefined ? Infinity : deadline - driver.deps.now();
}
/**
 * After the runs of the CLI: the work tree is looked at and searched for secrets, and the check runs when `wantsCheck`
 * says so. Each step only when the one before leaves the loop going.
 */
async function lookAndCheck(driver, state, run, process) {
    const { deps, signal, settings } = driver;
    const result = {
        run,
        cancelled: process.cancelled || signal.aborted,
        resumeRefused: run.failure !== undefined && failsEveryResume(run.failure, process),
        look: undefined,
        check: undefined,
    };
    // On cancellation the runner kills everything seconds later: only now is there time for a git scan.
    if (result.cancelled)
        return result;
    const look = await lookAgain(deps, state.start, state.searched, true);
    result.look = look;
    if ('tree' in look)
        run.record.changed = !sameFingerprint(state.current, look.tree);
    if (!('tree' in look) || stopsAt(look.secrets) || !wantsCheck(run, settings))
        return result;
    // Searched now, or the same as the tree searched last.
    result.check = await runCheckAfter(driver, state.start, look.tree, run.record);
    return result;
}
function stopsAt(secrets) {
    return secrets !== undefined && ('error' in secrets || secrets.found.length > 0);
}
/**
 * The work tree now; and what changed in it since the loop started, searched for the secrets the loop holds when the
 * tree differs from what was last searched (nothing could otherwise say the work holds none).
 */
async function lookAgain(deps, start, searched, search) {
    let tree;
    try {
        tree = await deps.fingerprint();
    }
    catch (error) {
        return { error: error.message };
    }
    if (!search || sameFingerprint(searched ?? start, tree))
        return { tree, secrets: undefined };
    try {
        return { tree, secrets: { found: await deps.findSecrets(start, tree) } };
    }
    catch (error) {
        return { tree, secrets: { error: error.message } };
    }
}
/** Runs the check command after an iteration, and looks at the work tree again unless it was stopped. */
async function runCheckAfter(driver, start, searched, record) {
    const { settings, deps, signal } = driver;
    const deadlineLeft = timeLeft(driver);
    const timeoutMs = Math.max(1, Math.min(settings.checkTimeoutMs, deadlineLeft));
    let check;
    try {
        check = await deps.runCheck(record.number, timeoutMs);
    }
    catch (error) {
        return { error: error.message };
    }
    const outOfTime = check.timedOut && deadlineLeft < settings.checkTimeoutMs;
    const end = outOfTime ? "stopped at this run's time limit" : describeCheckEnd(check, settings.checkTimeoutMs);
    record.check = { passed: check.passed, end, durationMs: check.durationMs };
    const cancelled = check.cancelled || signal.aborted;
    // A check stopped by a cancellation or by the time limit neither passed nor failed: the tree is not looked at.
    if (check.cancelled || outOfTime)
        return { result: check, outOfTime, cancelled, look: undefined };
    // After a cancellation there is no time for a search: the loop ends as cancelled, and a later run searches.
    const look = await lookAgain(deps, start, searched, !cancelled);
    return { result: check, outOfTime, cancelled, look };
}
async function lookAtWorkTree(deps, when) {
    try {
        return await deps.fingerprint();
    }
    catch (error) {
        throw new WorkTreeError({ kind: 'work_tree', error: error.message, when });
    }
}
async function save(driver, state, status, reason) {
    const saved = stateToSave(state, driver.settings.prompt, status, reason, driver.deps.now());
    if (saved !== undefined)
        await driver.deps.saveState(saved);
}
/**
 * @param save false when the loop's work must not be continued from: a later run then starts from the state saved
 * before (or a new loop, if the host discards that).
 */
async function finish(driver, state, cause, saveState, reason = driver.deps.describe(cause)) {
    const { deps } = driver;
    let filesChanged = 0;
    if (state.start) {
        try {
            filesChanged = await deps.countChangedFiles(state.start, state.current);
        }
        catch (error) {
            filesChanged = undefined;
            deps.log.warning(`Could not count the files changed since the loop started: ${error.message}`);
        }
    }
    if (saveState)
        await save(driver, state, statusOf(cause), reason);
    return outcomeOf(state, driver.settings, cause, reason, {
        transcriptFile: deps.transcriptFile(),
        filesChanged,
        now: deps.now(),
    });
}

;// CONCATENATED MODULE: ./src/system/process-sweep.ts
/**
 * Finds and stops every process started under a run's marker, wherever it went: the CLI's Bash tool starts each
 * command in a new session, so `nohup cmd &` or `setsid cmd` leaves the process group that `killProcessGroup` stops.
 * The marker is a variable in the environment (as the GitHub runner tracks a job's processes), read from
 * /proc/<pid>/environ for this user's processes. Without /proc (macOS) nothing is found: only the group is stopped.
 */


const RUN_MARKER_NAME = 'AUTONOMOUS_LOOP_RUN';
/** Rounds of find-and-kill: a process that forks between a scan and the kill is found by the next round. */
const MAX_ROUNDS = 50;
const ROUND_PAUSE_MS = 10;
class ProcessMarker {
    value;
    procDir;
    /** `NAME=value` as it stands in /proc/<pid>/environ, between NUL bytes. */
    entry;
    constructor(value = (0,external_node_crypto_namespaceObject.randomUUID)(), procDir = '/proc') {
        this.value = value;
        this.procDir = procDir;
        this.entry = `${RUN_MARKER_NAME}=${value}`;
    }
    /** `env` with the marker: every process started with it, and what those start, carries it. */
    mark(env) {
        return { ...env, [RUN_MARKER_NAME]: this.value };
    }
    /** This user's processes that carry the marker, never this process itself. */
    find() {
        let entries;
        try {
            entries = (0,external_node_fs_namespaceObject.readdirSync)(this.procDir);
        }
        catch {
            return [];
        }
        const uid = process.getuid?.();
        const found = [];
        for (const entry of entries) {
            if (!/^\d+$/.test(entry))
                continue;
            const pid = Number(entry);
            if (pid === process.pid || pid === 1)
                continue;
            try {
                // root could read everyone's environment: another user's process is never ours to stop.
                if (uid !== undefined && (0,external_node_fs_namespaceObject.statSync)(`${this.procDir}/${entry}`).uid !== uid)
                    continue;
                const environ = `\0${(0,external_node_fs_namespaceObject.readFileSync)(`${this.procDir}/${entry}/environ`, 'latin1')}`;
                if (environ.includes(`\0${this.entry}\0`) || environ.endsWith(`\0${this.entry}`))
                    found.push(pid);
            }
            catch {
                // Gone meanwhile, or not readable.
            }
        }
        return found;
    }
    /** Kills every marked process until none is left (or the rounds run out); resolves to how many were killed. */
    async sweep() {
        const killed = new Set();
        for (let round = 0; round < MAX_ROUNDS; round++) {
            const found = this.find();
            if (found.length === 0)
                break;
            for (const pid of found) {
                try {
                    process.kill(pid, 'SIGKILL');
                    killed.add(pid);
                }
                catch {
                    // Gone already.
                }
            }
            await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
        }
        return killed.size;
    }
}

;// CONCATENATED MODULE: ./src/system/sandbox-tools.ts
/**
 * Makes sure Claude Code's sandbox can work before Claude runs. On Linux it needs bubblewrap and socat: missing ones
 * are installed with apt when the action may (root, or passwordless sudo), and bubblewrap must be able to make its
 * namespaces (Ubuntu 24.04's AppArmor forbids that to unprivileged users until a sysctl allows it). Otherwise: a reason.
 */



const SANDBOX_PACKAGES = ['bubblewrap', 'socat'];
const PROGRAMS = ['bwrap', 'socat'];
const APPARMOR_USERNS = 'kernel.apparmor_restrict_unprivileged_userns';
const INSTALL_HINT = 'Install the packages first (in a workflow, in an earlier step): sudo apt-get install -y bubblewrap socat.';
class Cancelled extends Error {
}
async function prepareSandboxTools(options) {
    if (options.platform === 'darwin')
        return { ready: true }; // Seatbelt comes with macOS.
    if (options.platform !== 'linux') {
        return notReady(`Claude Code's sandbox runs on Linux and macOS only, not on ${options.platform}.`);
    }
    try {
        const missing = await installMissing(options);
        if (missing)
            return notReady(missing);
        const probe = await namespaceProbe(options);
        return probe === undefined ? { ready: true } : notReady(probe);
    }
    catch (error) {
        if (error instanceof Cancelled) {
            return { ready: false, cancelled: true, reason: 'Cancelled while the sandbox was being set up.' };
        }
        throw error;
    }
}
function notReady(reason) {
    return { ready: false, cancelled: false, reason };
}
/** The first executable file named `name` in the PATH of `env`. */
function findOnPath(name, env) {
    for (const directory of (env.PATH ?? '').split((external_node_path_default()).delimiter)) {
        if (directory === '')
            continue;
        const file = external_node_path_default().join(directory, name);
        try {
            if (!(0,external_node_fs_namespaceObject.statSync)(file).isFile())
                continue;
            (0,external_node_fs_namespaceObject.accessSync)(file, external_node_fs_namespaceObject.constants.X_OK);
            return file;
        }
        catch {
            // Not here.
        }
    }
    return undefined;
}
function missingPrograms(env) {
    return PROGRAMS.filter((name) => findOnPath(name, env) === undefined);
}
/** How to run a program as root: directly, through `sudo -n`, or not at all (undefined). */
async function asRoot(options) {
    if (options.runningAsRoot)
        return (command, args) => run(options, command, args);
    const sudo = await run(options, 'sudo', ['-n', 'true']);
    if (sudo.exitCode !== 0)
        return undefined;
    return (command, args) => run(options, 'sudo', ['-n', command, ...args]);
}
/** Installs what is missing; returns why the sandbox cannot work, or undefined when nothing is missing any more. */
async function installMissing(options) {
    const missing = missingPrograms(options.env);
    if (missing.length === 0)
        return undefined;
    const needs = `Claude Code's sandbox needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not on PATH`;
    const root = await asRoot(options);
    if (root === undefined) {
        return `${needs}, and autonomous-loop cannot install ${missing.length === 1 ? 'it' : 'them'} (not root, and no passwordless sudo). ${INSTALL_HINT}`;
    }
    if (findOnPath('apt-get', options.env) === undefined) {
        return `${needs}, and there is no apt-get to install them with: install the packages ${SANDBOX_PACKAGES.join(' and ')} (or their equivalents) first (in a workflow, in an earlier step).`;
    }
    options.log(`Installing ${SANDBOX_PACKAGES.join(' and ')} for Claude Code's sandbox (${missing.join(', ')} missing).`);
    const apt = (...args) => root('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
    let install = await apt('install', '-y', '--no-install-recommends', ...SANDBOX_PACKAGES);
    if (install.exitCode !== 0) {
        // The package lists of a runner image may be older than the archive.
        await apt('update', '-q');
        install = await apt('install', '-y', '--no-install-recommends', ...SANDBOX_PACKAGES);
    }
    const stillMissing = missingPrograms(options.env);
    if (stillMissing.length === 0)
        return undefined;
    return `${needs}, and installing them with apt-get failed (${describeEnd(install)}): ${sandbox_tools_lastLines(install)}. ${INSTALL_HINT}`;
}
/**
 * Runs bubblewrap as the CLI does (new network and PID namespaces). When it cannot, and AppArmor is what forbids
 * it, turns that restriction off if the action may; returns why the sandbox cannot work, or undefined.
 */
async function namespaceProbe(options) {
    const probe = () => run(options, 'bwrap', [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-net',
        '--unshare-pid',
        '--new-session',
        '--die-with-parent',
        'true',
    ]);
    let attempt = await probe();
    if (attempt.exitCode === 0)
        return undefined;
    const restricted = readSwitch(options.apparmorSwitchFile ?? '/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1';
    const cannot = `bubblewrap cannot create the sandbox's namespaces here (${describeEnd(attempt)}: ${sandbox_tools_lastLines(attempt)})`;
    if (!restricted) {
        return `${cannot}. In a container, run it with user namespaces allowed (for example docker run --privileged, or a seccomp and AppArmor profile that permits them).`;
    }
    const root = await asRoot(options);
    if (root === undefined) {
        return `${cannot}: AppArmor restricts unprivileged user namespaces (${APPARMOR_USERNS}=1), and autonomous-loop cannot change that (not root, and no passwordless sudo). Run this first (in a workflow, in an earlier step): sudo sysctl -w ${APPARMOR_USERNS}=0.`;
    }
    options.log(`AppArmor restricts unprivileged user namespaces, which bubblewrap needs: setting ${APPARMOR_USERNS}=0.`);
    const sysctl = await root('sysctl', ['-w', `${APPARMOR_USERNS}=0`]);
    attempt = await probe();
    if (attempt.exitCode === 0)
        return undefined;
    return `${cannot}, also after sysctl -w ${APPARMOR_USERNS}=0 (${describeEnd(sysctl)}).`;
}
async function run(options, command, args) {
    const result = await (0,process_group/* runProgram */.mB)(command, args, {
        env: options.env,
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 5 * 60_000,
    });
    if (result.stopped === 'cancelled')
        throw new Cancelled();
    return result;
}
function readSwitch(file) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8').trim();
    }
    catch {
        return undefined; // No such switch: an older kernel, or not Ubuntu.
    }
}
function describeEnd(run) {
    if (run.spawnError)
        return run.spawnError.code === 'ENOENT' ? 'not found' : run.spawnError.message;
    if (run.stopped)
        return run.stopped;
    return run.exitSignal ? `killed by ${run.exitSignal}` : `exit code ${run.exitCode}`;
}
function sandbox_tools_lastLines(run) {
    const text = `${run.stderr}\n${run.stdout}`.trim();
    return text === '' ? 'no output' : text.split('\n').slice(-3).join(' / ');
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/system/credential-proxy.ts
/**
 * A loopback HTTP proxy that holds the Anthropic credential so that Claude never does: Claude gets a stand-in token
 * of the same kind, good only here and only while the run lasts, and every request that carries it is sent on to the
 * API with the real credential in its place. Bodies stream through untouched; neither they nor a credential are logged.
 */




const ANTHROPIC_API = 'https://api.anthropic.com';
/** Anthropic's own prefixes: the CLI and anything that looks at the token see the kind they expect. */
const STAND_IN_PREFIX = {
    'api-key': 'sk-ant-api03-',
    oauth: 'sk-ant-oat01-',
    'auth-token': 'autonomous-loop-',
};
/** A random token shaped like a real credential of that kind: the prefix, 93 base64url characters and `AA`. */
function standInToken(kind) {
    return `${STAND_IN_PREFIX[kind]}${(0,external_node_crypto_namespaceObject.randomBytes)(70).toString('base64url').slice(0, 93)}AA`;
}
/** Headers of one connection (and the host it was sent to), not of the request: Node writes its own for each side. */
const NOT_FORWARDED = new Set([
    'connection',
    'keep-alive',
    'proxy-authenticate',
    'proxy-authorization',
    'proxy-connection',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'host',
]);
function sameToken(given, token) {
    if (given === undefined)
        return false;
    // Compared as bytes: a header of as many characters but more bytes (non-ASCII) must not reach timingSafeEqual.
    const [a, b] = [Buffer.from(given), Buffer.from(token)];
    return a.length === b.length && (0,external_node_crypto_namespaceObject.timingSafeEqual)(a, b);
}
/**
 * The headers to send upstream: every header of the request but those of its connection, with the stand-in replaced
 * by the real credential in whichever header carried it (`x-api-key` for an API key, `authorization: Bearer` for an
 * OAuth token). Undefined when no header carries the stand-in: such a request is not Claude's.
 */
function upstreamHeaders(headers, standIn, credential) {
    const apiKey = headers['x-api-key'];
    const bearer = /^Bearer (.*)$/i.exec(headers.authorization ?? '')?.[1];
    const inApiKey = sameToken(typeof apiKey === 'string' ? apiKey : undefined, standIn);
    const inBearer = sameToken(bearer, standIn);
    if (!inApiKey && !inBearer)
        return undefined;
    const out = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name))
            out[name] = value;
    }
    if (inApiKey)
        out['x-api-key'] = credential;
    if (inBearer)
        out.authorization = `Bearer ${credential}`;
    return out;
}
/** The upstream response's headers for Claude, without those of the upstream connection. */
function downstreamHeaders(headers) {
    const out = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name))
            out[name] = value;
    }
    return out;
}
/** Where requests go: an http or https URL, whose path (a gateway's prefix) comes before each request's own. */
function parseUpstream(baseUrl) {
    let url;
    try {
        url = new URL(baseUrl);
    }
    catch {
        throw new Error(`ANTHROPIC_BASE_URL in the environment is not a URL: '${baseUrl}'.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`ANTHROPIC_BASE_URL in the environment must be an http or https URL, not '${baseUrl}'.`);
    }
    return url;
}
function sendError(res, status, type, message) {
    const body = JSON.stringify({ type: 'error', error: { type, message } });
    res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        // The CLI retries a 401 ten times otherwise; a token that is wrong now stays wrong.
        ...(status === 401 ? { 'x-should-retry': 'false' } : {}),
    });
    res.end(body);
}
class CredentialProxy {
    server;
    upstream;
    agent;
    credential;
    token;
    sockets = new Set();
    warned = false;
    constructor(server, upstream, agent, credential, 
    /** What Claude holds instead of the credential. */
    token) {
        this.server = server;
        this.upstream = upstream;
        this.agent = agent;
        this.credential = credential;
        this.token = token;
    }
    /** Listens on 127.0.0.1, on a port the system picks. */
    static async start(options) {
        const upstream = parseUpstream(options.upstream);
        const agentOptions = { keepAlive: true, proxyEnv: options.proxyEnv };
        const agent = upstream.protocol === 'https:' ? new (external_node_https_default()).Agent(agentOptions) : new (external_node_http_default()).Agent(agentOptions);
        const server = external_node_http_default().createServer();
        const proxy = new CredentialProxy(server, upstream, agent, options.credential, standInToken(options.credential.kind));
        server.on('request', (req, res) => {
            // Whatever a local program sends, the action must not die of it: a request that cannot be forwarded gets 400.
            try {
                proxy.forward(req, res, options.warning);
            }
            catch {
                req.resume();
                if (!res.headersSent)
                    sendError(res, 400, 'invalid_request_error', 'The proxy could not forward this request.');
                else
                    res.destroy();
            }
        });
        server.on('connection', (socket) => {
            proxy.sockets.add(socket);
            socket.on('close', () => proxy.sockets.delete(socket));
        });
        await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
                server.off('error', reject);
                resolve();
            });
        });
        // The run closes it; if it ever did not, the action must still be able to exit.
        server.unref();
        return proxy;
    }
    /** What Claude's ANTHROPIC_BASE_URL becomes. */
    get url() {
        const address = this.server.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        return `http://127.0.0.1:${port}`;
    }
    /** Where requests go, without a path or anything else the job's URL may hold. */
    get upstreamOrigin() {
        return this.upstream.origin;
    }
    /** Stops listening and ends every connection, both sides. */
    async close() {
        const closed = new Promise((resolve) => this.server.close(() => resolve()));
        for (const socket of this.sockets)
            socket.destroy();
        this.agent.destroy();
        await closed;
    }
    forward(req, res, warning) {
        const headers = upstreamHeaders(req.headers, this.token, this.credential.value);
        // Only a path is taken from the request: an absolute URL (`GET http://elsewhere/`) must not choose the host.
        if (headers === undefined || !req.url?.startsWith('/')) {
            req.resume();
            sendError(res, 401, 'authentication_error', 'This proxy accepts only the token it gave Claude for this run.');
            if (!this.warned) {
                this.warned = true;
                warning("The credential proxy refused a request that did not carry this run's token (a program that Claude ran?). " +
                    'It answered 401; later such requests are refused without a word.');
            }
            return;
        }
        const base = this.upstream.pathname.replace(/\/+$/, '');
        const upstreamRequest = (this.upstream.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).request({
            protocol: this.upstream.protocol,
            // An IPv6 address comes in brackets in a URL, and without them here.
            hostname: this.upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: this.upstream.port,
            method: req.method,
            path: `${base}${req.url}`,
            headers,
            agent: this.agent,
        });
        upstreamRequest.on('response', (upstreamResponse) => {
            res.writeHead(upstreamResponse.statusCode ?? 502, downstreamHeaders(upstreamResponse.headers));
            // Claude sees the status at once, not with the first event of a stream that may take a while.
            res.flushHeaders();
            // A failure on either side ends the other: Claude's abort cancels the upstream request, and an upstream that
            // breaks off mid-stream breaks Claude's response off too (rather than end it as if complete).
            (0,external_node_stream_namespaceObject.pipeline)(upstreamResponse, res, () => undefined);
        });
        upstreamRequest.on('error', (error) => {
            req.resume();
            if (res.headersSent) {
                res.destroy();
                return;
            }
            sendError(res, 502, 'api_error', `The credential proxy could not reach the API: ${error.code ?? error.message}`);
        });
        // Claude gone before the answer is complete (its own timeout, a cancelled run): the upstream request goes too.
        res.on('close', () => {
            if (!res.writableFinished)
                upstreamRequest.destroy();
        });
        // Not a pipeline: an upstream that fails must leave Claude's side open for the 502.
        req.on('error', () => upstreamRequest.destroy());
        req.pipe(upstreamRequest);
    }
}

;// CONCATENATED MODULE: external "node:readline"
const external_node_readline_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:readline");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/system/session-records.ts
/**
 * What a restored session may not decide for this run. Resuming, the CLI takes its system prompt (and tool texts) from
 * the last `prompt_snapshot` record, and (without --model) its model from the last `model` record when Claude's last
 * reply names it, not from this run: a continued run would be told an earlier run's check command, and a forged session
 * could drop the gate protocol or pick the model. Those records are left out, the others linked past them. Pure.
 */
/**
 * Attachments the CLI reads as settings of the run, not as conversation: the system-prompt snapshot, the markers and
 * tool records it renders the prompt from, and the model. Without them it builds all of these from this run's flags.
 */
const RUN_SETTINGS_ATTACHMENTS = new Set([
    'prompt_snapshot',
    'prompt_render_point',
    'deferred_tools_record',
    'tool_offer_record',
    'model',
]);
/** Fields by which a record names another record: its parent, or the last message of the conversation. */
const LINK_FIELDS = ['parentUuid', 'logicalParentUuid', 'leafUuid'];
/** The record's place in the chain when it is one the CLI would take this run's settings from; undefined: kept. */
function runSettingsRecord(entry) {
    const attachment = entry.attachment;
    if (entry.type !== 'attachment' || typeof attachment !== 'object' || attachment === null)
        return undefined;
    const kind = attachment.type;
    if (typeof kind !== 'string' || !RUN_SETTINGS_ATTACHMENTS.has(kind))
        return undefined;
    return {
        uuid: typeof entry.uuid === 'string' ? entry.uuid : undefined,
        parentUuid: typeof entry.parentUuid === 'string' ? entry.parentUuid : null,
    };
}
/**
 * Links the records of a session past the ones left out, in one pass: the CLI appends a record after its parent, so a
 * left-out record's parent has been seen (and resolved, when it was left out too) by the time it comes.
 */
class Relinker {
    target = new Map();
    /** Records that named `record` will name its nearest kept ancestor (null: the root) instead. */
    leaveOut(record) {
        if (record.uuid === undefined)
            return;
        const parent = record.parentUuid;
        this.target.set(record.uuid, parent !== null && this.target.has(parent) ? this.target.get(parent) : parent);
    }
    /** The record with its links moved past left-out records; the same object when it names none of them. */
    relinked(entry) {
        let copy;
        for (const field of LINK_FIELDS) {
            const value = entry[field];
            if (typeof value !== 'string' || !this.target.has(value))
                continue;
            copy ??= { ...entry };
            copy[field] = this.target.get(value);
        }
        return copy ?? entry;
    }
}

;// CONCATENATED MODULE: ./src/system/state-store.ts
/**
 * The state directory: the loop's state and a copy of Claude's session, so that a later run, on another machine with
 * an empty home directory, can continue the loop. Only the session file is kept, never the CLI's config directory,
 * and everything read back is untrusted (`StateStore` says how).
 */










const STATE_FILE = 'state.json';
const SESSION_FILE = 'session.jsonl';
/** A long loop's session is tens of megabytes; a bigger file is refused rather than handed to the CLI. */
const MAX_SESSION_BYTES = 256 * 1024 * 1024;
/** A session line is a message; one far longer is refused before it is parsed (a crafted one can exhaust memory). */
const MAX_SESSION_LINE = 16 * 1024 * 1024;
/**
 * Every open of a file from the state directory: no symbolic link is followed, and a FIFO planted there (tar restores
 * them) does not block the open; the file-type check that follows then refuses it.
 */
const OPEN_UNTRUSTED = external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK;
/** A save's temporary file: `.<name>.<pid>-<random>.tmp`, so that runs sharing the directory never pick the same. */
const TEMPORARY = /^\.(state\.json|session\.jsonl)\.[0-9a-f-]+\.tmp$/;
/**
 * A save writes its temporary file in seconds: one older than this was left by a run that was killed, and one younger
 * may be another run's save in progress (two jobs on one runner with the same `state-dir`).
 */
const STALE_TEMPORARY_MS = 10 * 60_000;
/** Where the CLI keeps its sessions: `$CLAUDE_CONFIG_DIR`, else `~/.claude` (see claude-cli-facts: sessions). */
function claudeConfigDir(env) {
    return env.CLAUDE_CONFIG_DIR || external_node_path_default().join(env.HOME || external_node_os_default().homedir(), '.claude');
}
/** The CLI files a session under its working directory with every character but ASCII letters and digits as '-'. */
function sessionFile(configDir, cwd, sessionId) {
    return external_node_path_default().join(configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionId}.jsonl`);
}
/**
 * Only Claude's session file is kept, not the CLI's whole config directory: a config directory restored from a cache
 * that another workflow wrote could carry settings with hooks, an `apiKeyHelper` or permissions, that is, commands
 * the CLI would run. A session file is the conversation: it can steer Claude, not configure the CLI. It is checked
 * before the CLI sees it, and its records of an earlier run's system prompt and model are left out.
 *
 * Everything read from the directory is untrusted: symbolic links and FIFOs are refused (O_NOFOLLOW, O_NONBLOCK),
 * sizes and session lines are bounded, and every write goes to a fresh temporary file that is then renamed over the
 * old one, which replaces a planted link instead of writing through it. A job killed mid-write leaves the previous
 * save whole; its temporary file is removed by a later save, never one that another run's save may still be writing.
 */
class StateStore {
    dir;
    configDir;
    cwd;
    secrets;
    /**
     * @param configDir the CLI's config directory, where it reads and writes the session
     * @param cwd Claude's working directory
     */
    constructor(dir, configDir, cwd, secrets) {
        this.dir = dir;
        this.configDir = configDir;
        this.cwd = cwd;
        this.secrets = secrets;
    }
    /** The saved state; undefined when there is none. A state that cannot be read is a problem, not an error. */
    load() {
        return loadState(this.dir);
    }
    /**
     * Puts the saved session where the CLI looks for it, checking on the way that it is a session file of this session,
     * and without the records from which the CLI would take its system prompt and model instead of from this run (see
     * session-records.ts). Throws with what is wrong; nothing is written then.
     */
    async restoreSession(state) {
        const saved = external_node_path_default().join(this.dir, SESSION_FILE);
        const target = sessionFile(this.configDir, await this.physicalCwd(), state.sessionId);
        await (0,external_node_fs_promises_namespaceObject.mkdir)(external_node_path_default().dirname(target), { recursive: true });
        const temporary = temporaryBeside(target);
        try {
            const lines = sessionLinesToRestore(saved, state.sessionId);
            await (0,external_node_stream_promises_namespaceObject.pipeline)(external_node_stream_namespaceObject.Readable.from(lines), (0,external_node_fs_namespaceObject.createWriteStream)(temporary, { flags: 'wx', mode: 0o600 }));
            await (0,external_node_fs_promises_namespaceObject.rename)(temporary, target);
        }
        catch (error) {
            await (0,external_node_fs_promises_namespaceObject.rm)(temporary, { force: true });
            throw error;
        }
    }
    /** The CLI files a session under its physical working directory: a workspace reached through a link resolves. */
    async physicalCwd() {
        return (0,external_node_fs_promises_namespaceObject.realpath)(this.cwd).catch(() => this.cwd);
    }
    /** Forgets the saved loop, so that the next run starts a new one (its session could not be resumed). */
    async discard() {
        await (0,external_node_fs_promises_namespaceObject.rm)(external_node_path_default().join(this.dir, STATE_FILE), { force: true });
    }
    /**
     * Saves Claude's session (secrets redacted), then the state that refers to it. Returns what stood in the way and
     * was removed (a directory planted where a file goes, which would make every save fail), to be warned about.
     */
    async save(state) {
        const removed = [];
        await (0,external_node_fs_promises_namespaceObject.mkdir)(this.dir, { recursive: true });
        await removeLeftovers(this.dir, removed);
        const session = await this.findSession(state.sessionId);
        const [sessionTarget, stateTarget] = [SESSION_FILE, STATE_FILE].map((name) => external_node_path_default().join(this.dir, name));
        await clearWay(sessionTarget, removed);
        await copyAtomically(session, sessionTarget, this.secrets);
        const text = `${JSON.stringify(this.secrets.redactDeep(state), null, 2)}\n`;
        await clearWay(stateTarget, removed);
        await writeAtomically(stateTarget, text);
        return removed.map((what) => `State directory ${this.dir}: removed ${what}, which would have made every save fail.`);
    }
    /** Where the CLI wrote the session: under this working directory, or (a naming we did not foresee) any other. */
    async findSession(sessionId) {
        const expected = sessionFile(this.configDir, await this.physicalCwd(), sessionId);
        if (await isFile(expected))
            return expected;
        const projects = external_node_path_default().join(this.configDir, 'projects');
        const entries = await (0,external_node_fs_promises_namespaceObject.readdir)(projects).catch(() => []);
        for (const entry of entries) {
            const candidate = external_node_path_default().join(projects, entry, `${sessionId}.jsonl`);
            if (await isFile(candidate))
                return candidate;
        }
        throw new Error(`Claude's session ${sessionId} was not found under ${projects}`);
    }
}
/** The state saved in `dir`, read before anything else is set up (see `StateStore.load`). */
async function loadState(dir) {
    let text;
    try {
        const bytes = await readBounded(external_node_path_default().join(dir, STATE_FILE), MAX_STATE_BYTES);
        if (bytes === undefined)
            return undefined;
        text = bytes.toString('utf8');
    }
    catch (error) {
        return { problem: error.message };
    }
    return parseLoopState(text);
}
/**
 * Temporary files of a save that a kill interrupted (they would be cached along with the state forever), and anything
 * else under such a name that is not a file (a planted directory). Another run's save in progress is left alone.
 */
async function removeLeftovers(dir, removed) {
    const entries = await (0,external_node_fs_promises_namespaceObject.readdir)(dir).catch(() => []);
    for (const entry of entries) {
        if (!TEMPORARY.test(entry))
            continue;
        const file = external_node_path_default().join(dir, entry);
        const info = await (0,external_node_fs_promises_namespaceObject.lstat)(file).catch(() => undefined);
        if (info === undefined)
            continue;
        const planted = !info.isFile();
        if (!planted && Math.abs(Date.now() - info.mtimeMs) < STALE_TEMPORARY_MS)
            continue;
        // Not being able to remove a leftover does not stop the save: the new temporary file has a name of its own.
        await (0,external_node_fs_promises_namespaceObject.rm)(file, { recursive: true, force: true }).catch(() => undefined);
        if (planted)
            removed.push(`a ${describeType(info)} named like a temporary file (${entry})`);
    }
}
/** A directory where a save renames its file would make the rename fail: it goes (a link or a file is replaced). */
async function clearWay(target, removed) {
    const info = await (0,external_node_fs_promises_namespaceObject.lstat)(target).catch(() => undefined);
    if (info === undefined || !info.isDirectory())
        return;
    await (0,external_node_fs_promises_namespaceObject.rm)(target, { recursive: true, force: true });
    removed.push(`a directory in place of ${external_node_path_default().basename(target)}`);
}
function describeType(info) {
    return info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symbolic link' : 'special file';
}
async function isFile(file) {
    const handle = await (0,external_node_fs_promises_namespaceObject.open)(file, OPEN_UNTRUSTED).catch(() => undefined);
    if (!handle)
        return false;
    try {
        return (await handle.stat()).isFile();
    }
    finally {
        await handle.close();
    }
}
/** A regular file's bytes, refused past `limit`; undefined when it does not exist. */
async function readBounded(file, limit) {
    let handle;
    try {
        handle = await (0,external_node_fs_promises_namespaceObject.open)(file, OPEN_UNTRUSTED);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw new Error(`${file} is a symbolic link`);
        throw new Error(`${file} could not be read: ${error.message}`);
    }
    try {
        const stat = await handle.stat();
        if (!stat.isFile())
            throw new Error(`${file} is not a regular file`);
        if (stat.size > limit)
            throw new Error(`${file} has ${stat.size} bytes, more than ${limit}`);
        return await handle.readFile();
    }
    finally {
        await handle.close();
    }
}
/**
 * The lines of a session file of `sessionId` to give the CLI, checked as they are read: a regular file of bounded
 * size whose every line is a JSON object, and whose lines that name a session all name this one, so that no other
 * loop's conversation is ever resumed under this id. The records of this run's settings are left out (a record
 * names its parent before it: one pass links the records after them past them). Throws with what is wrong.
 */
async function* sessionLinesToRestore(file, sessionId) {
    const stream = await openForReading(file, MAX_SESSION_BYTES);
    const lines = (0,external_node_readline_namespaceObject.createInterface)({ input: stream, crlfDelay: Infinity });
    const relinker = new Relinker();
    let named = 0;
    let number = 0;
    try {
        for await (const line of lines) {
            number++;
            if (line.length > MAX_SESSION_LINE)
                throw new Error(`line ${number} of ${file} is longer than ${MAX_SESSION_LINE} characters`);
            if (line.trim() === '')
                continue;
            let entry;
            try {
                entry = JSON.parse(line);
            }
            catch {
                throw new Error(`line ${number} of ${file} is not JSON`);
            }
            if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
                throw new Error(`line ${number} of ${file} is not a JSON object`);
            }
            const record = entry;
            const named_ = record.sessionId;
            if (named_ !== undefined && named_ !== sessionId) {
                throw new Error(`line ${number} of ${file} belongs to another session`);
            }
            if (named_ !== undefined)
                named++;
            const setting = runSettingsRecord(record);
            if (setting) {
                relinker.leaveOut(setting);
                continue;
            }
            const linked = relinker.relinked(record);
            yield `${linked === record ? line : JSON.stringify(linked)}\n`;
        }
    }
    finally {
        lines.close();
        stream.destroy();
    }
    if (named === 0)
        throw new Error(`${file} holds no line of session ${sessionId}`);
}
async function openForReading(file, limit) {
    let handle;
    try {
        handle = await (0,external_node_fs_promises_namespaceObject.open)(file, OPEN_UNTRUSTED);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            throw new Error(`${file} is missing`);
        if (code === 'ELOOP')
            throw new Error(`${file} is a symbolic link`);
        throw new Error(`${file} could not be read: ${error.message}`);
    }
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > limit) {
        await handle.close();
        throw new Error(stat.isFile() ? `${file} has ${stat.size} bytes, more than ${limit}` : `${file} is not a file`);
    }
    // The stream owns the handle from here and closes it.
    return handle.createReadStream();
}
/**
 * A new file beside `target`, created exclusively, so that nothing planted there is written through; named by this
 * process and at random, so that no other run's save uses or removes it.
 */
function temporaryBeside(target) {
    const name = `.${external_node_path_default().basename(target)}.${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}.tmp`;
    return external_node_path_default().join(external_node_path_default().dirname(target), name);
}
async function writeAtomically(target, text) {
    const temporary = temporaryBeside(target);
    try {
        await (0,external_node_fs_promises_namespaceObject.writeFile)(temporary, text, { flag: 'wx', mode: 0o600 });
        await (0,external_node_fs_promises_namespaceObject.rename)(temporary, target);
    }
    catch (error) {
        await (0,external_node_fs_promises_namespaceObject.rm)(temporary, { force: true });
        throw error;
    }
}
/** Copies `source` over `target` through a temporary file, redacting `secrets` on the way when given. */
async function copyAtomically(source, target, secrets) {
    const temporary = temporaryBeside(target);
    try {
        const input = await openForReading(source, MAX_SESSION_BYTES);
        const output = (0,external_node_fs_namespaceObject.createWriteStream)(temporary, { flags: 'wx', mode: 0o600 });
        if (secrets) {
            const redactor = secrets.streamRedactor();
            const redact = new external_node_stream_namespaceObject.Transform({
                transform(chunk, _encoding, done) {
                    done(null, redactor.push(chunk));
                },
                flush(done) {
                    done(null, redactor.end());
                },
            });
            await (0,external_node_stream_promises_namespaceObject.pipeline)(input, redact, output);
        }
        else {
            await (0,external_node_stream_promises_namespaceObject.pipeline)(input, output);
        }
        await (0,external_node_fs_promises_namespaceObject.rename)(temporary, target);
    }
    catch (error) {
        await (0,external_node_fs_promises_namespaceObject.rm)(temporary, { force: true });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/claude/transcript.ts
/**
 * The JSONL transcript: every raw stream-json line of every iteration, with a marker line before each run of the CLI,
 * and every secret the host holds replaced by `***` (users upload it as an artifact, where nothing is masked). One
 * that cannot be written (a full disk, a missing temporary directory) is given up with one warning.
 */

/** Chunks are collected up to this size and written with one system call (a pipe read is at most 64 KiB). */
const BATCH_BYTES = 512 * 1024;
/**
 * Written synchronously, in batches. A file stream writes through the thread pool and signals back-pressure after
 * 16 KiB, so reading the CLI's pipe would stop at every 64 KiB chunk until the disk write was done: reading and
 * writing would take turns. A write into the page cache takes well under a millisecond per batch, so doing it on the
 * main thread costs less than the turn-taking, and memory stays bounded by one batch.
 */
class Transcript {
    file;
    warning;
    redactor;
    fd;
    batch = [];
    batchBytes = 0;
    failed = false;
    constructor(file, secrets, warning, 
    /** How the file is opened (tests open a full device as it is). */
    openFile = createPrivate) {
        this.file = file;
        this.warning = warning;
        this.redactor = secrets.streamRedactor();
        try {
            this.fd = openFile(file);
        }
        catch (error) {
            this.fail(error);
        }
    }
    /** The file, or '' once writing it failed: never name a file that does not hold the transcript. */
    get path() {
        return this.failed ? '' : this.file;
    }
    /** Never asks the reader to wait: a batch is written before this returns. */
    write(chunk) {
        if (this.failed)
            return true;
        this.append(this.redactor.push(chunk));
        if (this.batchBytes >= BATCH_BYTES)
            this.flush();
        return true;
    }
    onDrain(callback) {
        callback();
    }
    markRun(iteration, attempt) {
        this.append(this.redactor.end());
        const marker = { type: 'autonomous_loop', iteration, attempt, started_at: new Date().toISOString() };
        this.append(Buffer.from(`${JSON.stringify(marker)}\n`));
        this.flush();
    }
    close() {
        this.append(this.redactor.end());
        this.flush();
        if (this.fd !== undefined) {
            try {
                (0,external_node_fs_namespaceObject.closeSync)(this.fd);
            }
            catch (error) {
                this.fail(error);
            }
            this.fd = undefined;
        }
        return Promise.resolve();
    }
    append(bytes) {
        if (bytes.length === 0 || this.failed)
            return;
        this.batch.push(bytes);
        this.batchBytes += bytes.length;
    }
    flush() {
        const batch = this.batch;
        this.batch = [];
        this.batchBytes = 0;
        if (this.failed || this.fd === undefined || batch.length === 0)
            return;
        try {
            if (batch.length === 1)
                writeAll(this.fd, batch[0]);
            else
                writeAllv(this.fd, batch);
        }
        catch (error) {
            this.fail(error);
        }
    }
    fail(error) {
        if (!this.failed)
            this.warning(`Could not write the transcript ${this.file}: ${error.message}`);
        this.failed = true;
        this.batch = [];
        this.batchBytes = 0;
        if (this.fd !== undefined) {
            try {
                (0,external_node_fs_namespaceObject.closeSync)(this.fd);
            }
            catch {
                // Already reported.
            }
            this.fd = undefined;
        }
    }
}
/**
 * Readable by this user alone, and never a file or a link already there: in a shared temporary directory another user
 * may have taken the predictable name first. Then the transcript is given up.
 */
function createPrivate(file) {
    return (0,external_node_fs_namespaceObject.openSync)(file, 'wx', 0o600);
}
/** A write to a regular file may be short (a disk filling up): write the rest, or throw trying. */
function writeAll(fd, bytes) {
    for (let done = 0; done < bytes.length;) {
        const written = (0,external_node_fs_namespaceObject.writeSync)(fd, bytes, done);
        if (written === 0)
            throw new Error('the disk took no more bytes');
        done += written;
    }
}
function writeAllv(fd, buffers) {
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const written = (0,external_node_fs_namespaceObject.writevSync)(fd, buffers);
    // writev stops short only at the end of the space: the rest goes out one buffer at a time, where it throws.
    if (written < total)
        writeAll(fd, Buffer.concat(buffers).subarray(written));
}

;// CONCATENATED MODULE: ./src/system/git-guard.ts
/**
 * Settings that keep the action's own git commands from running programs that Claude could have configured: the
 * work tree's `.git/config` (and a nested repository's, and `~/.gitconfig`) is Claude's to write. Given to git as
 * command-line settings (GIT_CONFIG_COUNT), which win over every config file. Pure.
 */
/**
 * Always: no fsmonitor hook (run by every command that reads the index) and no hooks (`update-index` runs
 * `post-index-change`). The fingerprint's other commands run none: `diff-tree --name-only` reads trees only (no
 * textconv, no external diff), `hash-object --stdin` hashes no path, and nothing fetches or pushes.
 */
const QUIET_SETTINGS = [
    ['core.fsmonitor', 'false'],
    ['core.hooksPath', '/dev/null'],
];
/**
 * `env` with `settings` added to its command-line settings, after those the workflow gave (a container job may give
 * `safe.directory` so): the workflow's own environment is trusted, the repository's configuration is not.
 */
function withSettings(env, settings) {
    const result = { ...env };
    const given = Number(env.GIT_CONFIG_COUNT ?? '0');
    const first = Number.isSafeInteger(given) && given > 0 ? given : 0;
    result.GIT_CONFIG_COUNT = String(first + settings.length);
    settings.forEach(([key, value], i) => {
        result[`GIT_CONFIG_KEY_${first + i}`] = key;
        result[`GIT_CONFIG_VALUE_${first + i}`] = value;
    });
    return result;
}
/** `git config -z --list` as [key, value] pairs in order; a key without `=` has the value undefined (true). */
function parseConfigList(out) {
    return out
        .split('\0')
        .filter((entry) => entry !== '')
        .map((entry) => {
        const newline = entry.indexOf('\n');
        return newline === -1 ? [entry, undefined] : [entry.slice(0, newline), entry.slice(newline + 1)];
    });
}
/**
 * Every filter driver in the configuration, switched off: a clean filter (or a long-running `process` one) runs when
 * git hashes a file whose attributes name it, which `update-index` does for each changed file, and `diff-files` and
 * `update-index --refresh` for each racily clean one. The attributes cannot be kept from git, but a driver without a
 * command is no filter, and one that is not required cannot fail the command.
 */
function filterSettings(config) {
    const drivers = new Set();
    for (const [key] of config) {
        // The subsection (the driver's name) may hold dots: only the first and the last dot delimit it.
        const match = /^filter\.(.*)\.(clean|smudge|process|required)$/s.exec(key);
        if (match)
            drivers.add(match[1]);
    }
    return [...drivers].flatMap((driver) => [
        [`filter.${driver}.clean`, ''],
        [`filter.${driver}.smudge`, ''],
        [`filter.${driver}.process`, ''],
        [`filter.${driver}.required`, 'false'],
    ]);
}

;// CONCATENATED MODULE: ./src/system/workspace.ts
/**
 * Did an iteration change anything? A fingerprint of the git work tree from its content: HEAD, and a tree of every
 * tracked and untracked (not ignored) file as it is on disk and of each repository nested in it (a submodule, or one
 * created inside it). The repository, its index and its object store stay as they were (`Workspace` says how).
 */







/** The directory the loop is to run in is not inside a git work tree; the host says so in its words. */
class NotAGitWorkTreeError extends Error {
    directory;
    detail;
    name = 'NotAGitWorkTreeError';
    constructor(directory, 
    /** What git said. */
    detail) {
        super(`${directory} is not inside a git work tree. (${detail})`);
        this.directory = directory;
        this.detail = detail;
    }
}
/** Variables that point git at a repository: a nested repository must be found from its own directory. */
const REPOSITORY_VARIABLES = [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_COMMON_DIR',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_PREFIX',
];
/**
 * The host's environment (without the action's secrets: git may still run a program the repository names) with no
 * repository pinned, and the settings that keep git from running programs: see git-guard.ts.
 */
function unpinnedEnv(hostEnv, settings = QUIET_SETTINGS) {
    const env = withSettings(hostEnv, settings);
    for (const name of REPOSITORY_VARIABLES)
        delete env[name];
    return env;
}
function pinnedEnv(unpinned, repository, extra = {}) {
    return {
        ...unpinned,
        GIT_DIR: repository.gitDir,
        GIT_WORK_TREE: repository.workTree,
        GIT_OPTIONAL_LOCKS: '0',
        ...extra,
    };
}
/** A GIT_ALTERNATE_OBJECT_DIRECTORIES value; git reads an entry in double quotes as a C-quoted path. */
function alternates(directories) {
    const quote = (dir) => dir.includes((external_node_path_default()).delimiter) || dir.startsWith('"') ? `"${dir.replace(/[\\"]/g, '\\$&')}"` : dir;
    return directories.map(quote).join((external_node_path_default()).delimiter);
}
function git(args, cwd, env, input = '') {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.execFile)('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (!error)
                return resolve(stdout);
            const said = stderr.trim().split('\n').join('; ') || error.message;
            reject(new Error(`${said} (git ${args[0]} in ${cwd})`));
        });
        // git may exit before it reads its input: that failure is reported above, not as an EPIPE on the pipe.
        child.stdin?.on('error', () => { });
        child.stdin?.end(input);
    });
}
async function locate(directory, env) {
    const out = await git(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-path', 'objects', '--git-path', 'index'], directory, env);
    const [workTree, gitDir, objects, index] = out.trimEnd().split('\n');
    const resolve = (file) => external_node_path_default().resolve(directory, file);
    return { workTree: resolve(workTree), gitDir: resolve(gitDir), objects: resolve(objects), index: resolve(index) };
}
/**
 * A copy of the index that keeps its modification time. git rechecks the content of a file changed in the same second
 * as the index was written ("racily clean"), which the same size and timestamp would otherwise hide: a fresh copy's
 * later time would switch that check off. A hair earlier than the original is safe: git rechecks more, never fewer.
 */
async function copyIndex(from, to) {
    let written;
    try {
        written = (await (0,external_node_fs_promises_namespaceObject.stat)(from)).mtime;
    }
    catch (error) {
        // No index yet (nothing ever added): every file is untracked.
        if (error.code === 'ENOENT')
            return;
        throw error;
    }
    await (0,external_node_fs_promises_namespaceObject.copyFile)(from, to);
    await (0,external_node_fs_promises_namespaceObject.utimes)(to, written, new Date(written.getTime() - 1));
}
const split = (out) => out.split('\0').filter((entry) => entry !== '');
/** The real index as it is on disk now: a different one after any write (git writes a new file and renames it). */
async function indexVersion(index) {
    try {
        const info = await (0,external_node_fs_promises_namespaceObject.stat)(index, { bigint: true });
        return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    }
    catch (error) {
        // No index yet (nothing ever added): every file is untracked.
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/**
 * Whether git compares the whole stat data of a file with its index entry (the default), and so notices a rewrite
 * that kept the size and the modification time by its change time. With `core.trustCtime` off or `core.checkStat`
 * minimal it does not, and a refreshed copy would hide such a rewrite, where a racily clean entry is read again:
 * the copy is then not refreshed.
 */
function checksFullStat(config) {
    // Later settings override earlier ones; a key without `=` is true, one with an empty value false.
    let trustCtime = true;
    let checkStat = 'default';
    for (const [key, raw] of config) {
        const value = raw?.toLowerCase();
        if (key === 'core.trustctime')
            trustCtime = value === undefined || ['true', 'yes', 'on', '1'].includes(value);
        if (key === 'core.checkstat')
            checkStat = value ?? '';
    }
    return trustCtime && checkStat === 'default';
}
const GITLINK = '160000';
/**
 * `diff-tree -r -z` raw entries: `:<old mode> <new mode> <old id> <new id> <status>` and the path; in a `--stdin`
 * listing, a commit id before the entries of each commit (given to `onCommit`).
 */
function parseRawDiff(tokens, onCommit) {
    const entries = [];
    for (let at = 0; at < tokens.length; at++) {
        const token = tokens[at];
        if (!token.startsWith(':')) {
            onCommit?.(token);
            continue;
        }
        const [, mode, , id, status] = token.slice(1).split(' ');
        entries.push({ path: tokens[++at], mode, id, status: status.charAt(0) });
    }
    return entries;
}
/**
 * The tree is built in a copy of the index, so git's stat cache skips unchanged files (about the cost of one
 * `git status`) and the real index is never touched. The first copy is refreshed once and kept while the real index
 * stays as it was: after a fresh checkout every entry is racily clean (files and index written in the same second),
 * and without that each fingerprint would hash every file again, as the first `git status` does. Changed files are
 * hashed, not stored (`update-index --info-only`); only the trees are written, to a scratch object directory that
 * borrows the repository's objects as alternates. The scratch space holds trees only: those of the first
 * fingerprint and of the latest, which `countChangedFiles` compares at the end.
 */
class Workspace {
    root;
    scratch;
    hostEnv;
    /** Objects of the first fingerprint: kept until dispose(), as the loop compares it with the last one at the end. */
    baseline;
    /** Objects of the latest fingerprint; those of the ones in between are deleted. */
    latest;
    /**
     * Every nested repository seen, by its work tree: the unchanged trees of their fingerprints are in their object
     * stores, and the secret guard reads their commits.
     */
    nestedRepositories = new Map();
    /**
     * Every real index met so far, by path (the root's, and those of nested repositories), with the refreshed copy of
     * its first version while that is still the real one; undefined once it changed (only a first version is refreshed).
     */
    settled = new Map();
    indexes = 0;
    constructor(root, scratch, hostEnv) {
        this.root = root;
        this.scratch = scratch;
        this.hostEnv = hostEnv;
    }
    get topLevel() {
        return this.root.workTree;
    }
    /**
     * @param env the environment git runs in: without the action's secrets, as a filter or hook that Claude configured
     *   despite the guard would get it.
     * @throws NotAGitWorkTreeError when `directory` is not inside a git work tree.
     */
    static async open(directory, env = process.env) {
        let root;
        try {
            // Pins from the host environment are kept here: they say where the repository is, as for every git command.
            root = await locate(directory, withSettings(env, QUIET_SETTINGS));
        }
        catch (error) {
            throw new NotAGitWorkTreeError(directory, error.message);
        }
        return new Workspace(root, (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(external_node_os_default().tmpdir(), 'autonomous-loop-workspace-')), env);
    }
    async fingerprint() {
        let objects;
        try {
            objects = await (0,external_node_fs_promises_namespaceObject.mkdtemp)(external_node_path_default().join(this.scratch, 'objects-'));
            const fingerprint = await this.snapshot(this.root, objects);
            if (this.baseline === undefined)
                this.baseline = objects;
            else {
                if (this.latest !== undefined)
                    await (0,external_node_fs_promises_namespaceObject.rm)(this.latest, { recursive: true, force: true });
                this.latest = objects;
            }
            return fingerprint;
        }
        catch (error) {
            if (objects !== undefined)
                await (0,external_node_fs_promises_namespaceObject.rm)(objects, { recursive: true, force: true });
            throw this.failure(error, 'read the work tree', 'to see whether files changed');
        }
    }
    /**
     * Files whose content differs between two fingerprints (added, removed, modified or renamed), in nested
     * repositories too. Compares the first fingerprint and the latest: the trees of those in between are gone.
     */
    async countChangedFiles(from, to) {
        try {
            return await this.count(from, to);
        }
        catch (error) {
            throw this.failure(error, 'count the files changed in the work tree');
        }
    }
    dispose() {
        (0,external_node_fs_namespaceObject.rmSync)(this.scratch, { recursive: true, force: true });
    }
    async snapshot(repository, objects) {
        const { workTree } = repository;
        const index = external_node_path_default().join(this.scratch, `index-${++this.indexes}`);
        try {
            // Read again at every fingerprint: Claude may have added a filter since the last one.
            const guarded = await this.guardedConfig(repository);
            const source = await this.indexSource(repository, guarded);
            if (source !== undefined)
                await copyIndex(source, index);
            const env = { ...guarded.env, GIT_INDEX_FILE: index };
            // Submodules are listed in .gitmodules: without it, no need to list every tracked file to find them.
            const submodules = (0,external_node_fs_namespaceObject.existsSync)(external_node_path_default().join(workTree, '.gitmodules')) ? ['--stage'] : [];
            const [head, listed, modified] = await Promise.all([
                git(['rev-parse', '--verify', '--quiet', 'HEAD'], workTree, env).catch(() => ''),
                // Tagged: '? path' for an untracked file; with --stage, 'H <mode> <id> <stage>\tpath' for a tracked one.
                git(['ls-files', '-z', '-t', '--others', '--exclude-standard', ...submodules], workTree, env),
                // A submodule shows here when its HEAD moved; what changed inside it is its own fingerprint's business.
                git(['diff-files', '-z', '--name-only', '--ignore-submodules=dirty'], workTree, env),
            ]);
            const toHash = split(modified);
            const nestedPaths = [];
            for (const entry of split(listed)) {
                if (entry.startsWith('? ')) {
                    // Untracked repositories are listed as 'dir/': git would store only a commit id, or refuse one without.
                    if (entry.endsWith('/'))
                        nestedPaths.push(entry.slice(2, -1));
                    else
                        toHash.push(entry.slice(2));
                }
                else {
                    const gitlink = /^[HS] 160000 \S+ 0\t(.*)$/s.exec(entry);
                    // A submodule that is checked out (an uninitialised one is an empty directory).
                    if (gitlink && (0,external_node_fs_namespaceObject.existsSync)(external_node_path_default().join(workTree, gitlink[1], '.git')))
                        nestedPaths.push(gitlink[1]);
                }
            }
            if (toHash.length > 0) {
                // --info-only: the ids, not the objects; --replace: a file may now be where a directory was, or the reverse.
                await git(['update-index', '-z', '--add', '--remove', '--replace', '--info-only', '--stdin'], workTree, env, toHash.join('\0'));
            }
            const stores = [repository.objects, ...(this.baseline === undefined ? [] : [this.baseline])];
            // --missing-ok: the blobs of changed files were never written; the trees go to the scratch directory.
            const tree = await git(['write-tree', '--missing-ok'], workTree, {
                ...env,
                GIT_OBJECT_DIRECTORY: objects,
                GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates(stores),
            });
            const fingerprint = { head: head.trim(), tree: tree.trim() };
            const nested = (await Promise.all(nestedPaths.map((relative) => this.nestedSnapshot(workTree, relative, objects)))).filter((entry) => entry !== undefined);
            if (nested.length > 0)
                fingerprint.nested = Object.fromEntries(nested.sort(([a], [b]) => (a < b ? -1 : 1)));
            return fingerprint;
        }
        finally {
            await (0,external_node_fs_promises_namespaceObject.rm)(index, { force: true });
        }
    }
    /**
     * What a fingerprint copies its index from. The first time a repository's index is met (when the loop starts, just
     * after a fresh checkout, every entry is racily clean), a copy of it is refreshed: `update-index --refresh` compares
     * the content of each racy entry once and records its stat data, in the copy only, and the copy keeps its own time,
     * so git still rechecks a file changed in the same instant. That copy serves while the real index stays the same
     * file. Once git has written the real index (a `git add`, a commit, a `git status`), it holds few racy entries, and
     * it is copied as it is, as every fingerprint did before: refreshing at each change would cost a git command more.
     * What the refresh gives up, as git's own stat cache does once an index is settled: a rewrite that keeps a file's
     * size and modification time (`touch -r`, `cp -p`) within the very second of the refresh is not seen.
     */
    async indexSource(repository, guarded) {
        const version = await indexVersion(repository.index);
        const kept = this.settled.get(repository.index);
        if (kept !== undefined && kept.from === version)
            return kept.file;
        if (kept !== undefined) {
            this.settled.set(repository.index, undefined);
            await (0,external_node_fs_promises_namespaceObject.rm)(kept.file, { force: true });
        }
        if (version === undefined)
            return undefined;
        if (this.settled.has(repository.index))
            return repository.index;
        this.settled.set(repository.index, undefined);
        const file = external_node_path_default().join(this.scratch, `settled-${++this.indexes}`);
        try {
            if (!checksFullStat(guarded.config))
                return repository.index;
            await copyIndex(repository.index, file);
            // -q: the files that changed are left for diff-files to list. Submodules are fingerprinted on their own.
            await git(['update-index', '-q', '--ignore-submodules', '--refresh'], repository.workTree, {
                ...guarded.env,
                GIT_INDEX_FILE: file,
            });
        }
        catch {
            // Only a saving: the fingerprint copies the real index as it is, and says what is wrong if it cannot either.
            await (0,external_node_fs_promises_namespaceObject.rm)(file, { force: true });
            return repository.index;
        }
        this.settled.set(repository.index, { file, from: version });
        return file;
    }
    /**
     * The environment for a git command on `repository` that reads objects and trees only (no work-tree files, so no
     * filters): the host's without secrets, pinned to the repository, with fsmonitor and hooks switched off.
     */
    gitEnv(repository, extra = {}) {
        return pinnedEnv(unpinnedEnv(this.hostEnv), repository, extra);
    }
    /** The configuration git will read for `repository`, and the environment that switches its programs off. */
    async guardedConfig(repository) {
        const quiet = pinnedEnv(unpinnedEnv(this.hostEnv), repository);
        const config = parseConfigList(await git(['config', '-z', '--list'], repository.workTree, quiet));
        const settings = [...QUIET_SETTINGS, ...filterSettings(config)];
        return { config, env: pinnedEnv(unpinnedEnv(this.hostEnv, settings), repository) };
    }
    async nestedSnapshot(workTree, relative, objects) {
        const directory = external_node_path_default().join(workTree, relative);
        const repository = await locate(directory, unpinnedEnv(this.hostEnv));
        // Not a repository of its own after all (git found the one around it): its files are in this one's tree.
        if (repository.workTree !== directory)
            return undefined;
        this.nestedRepositories.set(repository.workTree, repository);
        return [relative, await this.snapshot(repository, objects)];
    }
    async count(from, to) {
        if (sameFingerprint(from, to))
            return 0;
        const nestedPaths = new Set([...Object.keys(from.nested ?? {}), ...Object.keys(to.nested ?? {})]);
        // A nested repository's commit id in this tree is not a file: its files are counted in it.
        let count = (await this.changedEntries(from.tree, to.tree)).filter((entry) => !nestedPaths.has(entry.path)).length;
        for (const relative of nestedPaths) {
            const [a, b] = [from.nested?.[relative], to.nested?.[relative]];
            if (a && b)
                count += await this.count(a, b);
            else {
                // A repository that appeared (all its files are new) or went away: then its files can be listed only if its
                // objects are still there; if not, it counts as one change.
                const empty = { head: '', tree: await this.emptyTree() };
                count += await this.count(a ?? empty, b ?? empty).catch(() => 1);
            }
        }
        return count;
    }
    /**
     * What the loop changed between two fingerprints, by repository (the root, then those nested in it): the files of
     * `to` whose content differs from `from`, and the commits between the two HEADs. For the secret guard, which reads
     * them. Only the first fingerprint and the latest can be compared, as for `countChangedFiles`.
     */
    async changes(from, to) {
        const found = [];
        try {
            await this.collectChanges(from, to, this.root, found);
        }
        catch (error) {
            throw this.failure(error, 'list the files changed in the work tree');
        }
        return found;
    }
    async collectChanges(from, to, repository, found) {
        if (from && sameFingerprint(from, to))
            return;
        const nested = to.nested ?? {};
        const entries = await this.changedEntries(from?.tree ?? (await this.emptyTree()), to.tree);
        found.push({
            repository,
            fromHead: from?.head,
            toHead: to.head,
            // A nested repository's commit id in this tree is not a file: its files are listed with it.
            files: entries.filter((entry) => entry.status !== 'D' && entry.mode !== GITLINK && !(entry.path in nested)),
        });
        for (const [relative, fingerprint] of Object.entries(nested)) {
            const inner = this.nestedRepositories.get(external_node_path_default().join(repository.workTree, relative));
            if (inner)
                await this.collectChanges(from?.nested?.[relative], fingerprint, inner, found);
        }
    }
    async changedEntries(from, to) {
        if (from === to)
            return [];
        // Only trees are read (no blobs, no rename detection): the scratch directories hold all that is needed.
        const stores = [this.baseline, this.latest, ...[...this.nestedRepositories.values()].map((r) => r.objects)];
        const out = await git(['diff-tree', '-r', '--no-renames', '-z', from, to], this.root.workTree, this.gitEnv(this.root, {
            GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates(stores.filter((dir) => dir !== undefined)),
        }));
        return parseRawDiff(split(out));
    }
    emptyTreeId;
    emptyTree() {
        this.emptyTreeId ??= git(['hash-object', '-t', 'tree', '--stdin'], this.root.workTree, pinnedEnv(unpinnedEnv(this.hostEnv), this.root)).then((id) => id.trim());
        return this.emptyTreeId;
    }
    /** An error that says what broke, in the user's words where it is a known case. */
    failure(error, doing, why = '') {
        const { workTree, gitDir } = this.root;
        if (!(0,external_node_fs_namespaceObject.existsSync)(workTree))
            return new Error(`The work tree at ${workTree} is gone: was it deleted?`);
        if (!(0,external_node_fs_namespaceObject.existsSync)(gitDir))
            return new Error(`The git repository at ${workTree} is gone: was .git deleted?`);
        const cause = error instanceof Error ? error.message : String(error);
        return new Error(`Could not ${doing} at ${workTree}${why ? ` ${why}` : ''}: ${cause}`);
    }
}

;// CONCATENATED MODULE: ./src/system/secret-guard.ts
/**
 * The secret guard: searches what the loop changed for the action's secrets, before anything can be completed, saved
 * or pushed. It reads only what changed since the loop's first fingerprint: the files that differ (nested
 * repositories included) and the commits added to HEAD, each commit's object and the blobs it added or changed.
 * What was found clean is remembered (objects by id, files by their stat data) and not read again.
 */





/** A file of the work tree is opened without following a link, and a FIFO there does not block the open. */
const OPEN_WORK_TREE_FILE = external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK;
const CHUNK = 1024 * 1024;
const secret_guard_GITLINK = '160000';
const NO_OBJECT = /^0+$/;
class SecretGuard {
    workspace;
    secrets;
    /** Ids of git objects (blobs, commits) searched and found clean: never read again. */
    clean = new Set();
    /**
     * Files of the work tree found clean, by path and stat data (`statKey`). Not by the fingerprint's id: with a clean
     * filter (line endings, LFS) that is the id of the filtered content, which can be the same for other bytes on disk.
     */
    cleanFiles = new Set();
    constructor(workspace, secrets) {
        this.workspace = workspace;
        this.secrets = secrets;
    }
    /**
     * Where the secrets are among what changed from `from` to `to`: paths from the top of the work tree and commit
     * ids, with any secret in a name redacted. Empty when there is none.
     */
    async find(from, to) {
        const found = [];
        for (const changes of await this.workspace.changes(from, to)) {
            const shown = (file) => external_node_path_default().relative(this.workspace.topLevel, external_node_path_default().join(changes.repository.workTree, file)) || '.';
            // Both mostly wait: for the disk, and for git.
            const [files, commits] = await Promise.all([this.searchFiles(changes), this.searchCommits(changes)]);
            for (const file of files)
                found.push(shown(file));
            for (const hit of commits) {
                found.push(`commit ${hit.commit} (${hit.file === undefined ? 'its message' : shown(hit.file)})`);
            }
        }
        return [...new Set(found)].map((where) => this.secrets.redact(where));
    }
    /** Files of the work tree that hold a secret, or whose name is one. */
    async searchFiles(changes) {
        const found = [];
        for (const file of changes.files) {
            if (this.holds(Buffer.from(file.path)) ||
                (await this.fileHolds(external_node_path_default().join(changes.repository.workTree, file.path)))) {
                found.push(file.path);
            }
        }
        return found;
    }
    holds(bytes) {
        return this.secrets.scanner().push(bytes);
    }
    /**
     * The file as it is on disk now (its blob was hashed, not stored, by the fingerprint), unless it was read before
     * and is the same file since: same inode, size and times to the nanosecond. The change time moves with every write
     * and no program can set it, so a file rewritten after it was read, by a process left running, is read again.
     */
    async fileHolds(file) {
        const info = await (0,external_node_fs_promises_namespaceObject.lstat)(file, { bigint: true }).catch(() => undefined);
        // Gone since the fingerprint (nothing left to push), or no longer a file or a link.
        if (info === undefined || this.cleanFiles.has(statKey(file, info)))
            return false;
        if (info.isSymbolicLink()) {
            const holds = this.holds(Buffer.from(await (0,external_node_fs_promises_namespaceObject.readlink)(file)));
            if (!holds)
                this.cleanFiles.add(statKey(file, info));
            return holds;
        }
        if (!info.isFile())
            return false;
        const handle = await (0,external_node_fs_promises_namespaceObject.open)(file, OPEN_WORK_TREE_FILE).catch(() => undefined);
        if (handle === undefined)
            return false;
        try {
            // What is read is the file as it was at this stat or later: a later write gives it another key.
            const opened = await handle.stat({ bigint: true });
            if (!opened.isFile())
                return false;
            const scanner = this.secrets.scanner();
            const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Number(opened.size) + 1));
            for (;;) {
                const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
                if (bytesRead === 0)
                    break;
                if (scanner.push(buffer.subarray(0, bytesRead)))
                    return true;
            }
            this.cleanFiles.add(statKey(file, opened));
            return false;
        }
        finally {
            await handle.close();
        }
    }
    /**
     * Commits on HEAD that were not there at the first fingerprint: each commit object (message, author) and every blob
     * it added or changed, so that a secret committed and removed by a later commit is still found. A repository that
     * appeared during the loop (a clone) is searched in its files only: its history is not the loop's.
     */
    async searchCommits(changes) {
        const { repository, fromHead, toHead } = changes;
        if (fromHead === undefined || toHead === '' || toHead === fromHead)
            return [];
        // A commit is remembered as clean only with every commit of its range: nothing new since (no git run at all).
        if (this.clean.has(toHead))
            return [];
        const env = this.workspace.gitEnv(repository);
        const range = fromHead === '' ? [toHead] : [toHead, '--not', fromHead];
        const commits = (await git(['rev-list', ...range], repository.workTree, env)).split('\n').filter(Boolean);
        const unsearched = commits.filter((commit) => !this.clean.has(commit));
        if (unsearched.length === 0)
            return [];
        // Every blob each commit added or changed, against each parent of a merge (-m) and against nothing for a root.
        const blobs = new Map();
        let commit = '';
        const entries = parseRawDiff(split(await git(['diff-tree', '--stdin', '-r', '-m', '--root', '--no-renames', '-z'], repository.workTree, env, `${unsearched.join('\n')}\n`)), (id) => (commit = id));
        const found = [];
        for (const entry of entries) {
            if (this.holds(Buffer.from(entry.path)))
                found.push({ commit, file: entry.path });
            if (entry.mode === secret_guard_GITLINK || NO_OBJECT.test(entry.id) || this.clean.has(entry.id))
                continue;
            if (!blobs.has(entry.id))
                blobs.set(entry.id, { commit, file: entry.path });
        }
        const holding = await this.objectsHolding(repository, [...unsearched, ...blobs.keys()]);
        for (const id of holding)
            found.push(blobs.get(id) ?? { commit: id });
        for (const id of blobs.keys())
            if (!holding.includes(id))
                this.clean.add(id);
        // A commit is clean with all it brought: when one holds a secret, every commit of the range is searched again.
        if (found.length === 0)
            for (const id of unsearched)
                this.clean.add(id);
        return found;
    }
    /** Of these objects, those that hold a secret, read in one `git cat-file --batch`. */
    objectsHolding(repository, ids) {
        return new Promise((resolve, reject) => {
            const child = (0,external_node_child_process_.spawn)('git', ['cat-file', '--batch'], {
                cwd: repository.workTree,
                env: this.workspace.gitEnv(repository),
                stdio: ['pipe', 'pipe', 'pipe'],
            });
            const holding = [];
            let stderr = '';
            const reader = new BatchReader(() => this.secrets.scanner(), (id, scanner) => {
                if (scanner.seen)
                    holding.push(id);
            });
            child.stdout.on('data', (chunk) => reader.push(chunk));
            child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-2000)));
            child.on('error', reject);
            child.on('close', (code) => {
                if (code === 0 && reader.complete)
                    resolve(holding);
                else
                    reject(new Error(`${stderr.trim() || `exit code ${code}`} (git cat-file in ${repository.workTree})`));
            });
            child.stdin.on('error', () => { });
            child.stdin.end(ids.map((id) => `${id}\n`).join(''));
        });
    }
}
/** A file as it is on disk: another key after any write to it, or when another file takes its place. */
function statKey(file, info) {
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}:${file}`;
}
/**
 * Reads the output of `git cat-file --batch` as it comes: per object a header `<id> <type> <size>`, the content and a
 * line feed; `<id> missing` for an object that is not there. Each content goes to a scanner of its own.
 */
class BatchReader {
    start;
    end;
    header = Buffer.alloc(0);
    id = '';
    /** Bytes of the current object still to come, its closing line feed included; -1 while a header is read. */
    remaining = -1;
    scanner;
    missing = [];
    constructor(start, end) {
        this.start = start;
        this.end = end;
    }
    /** Every object read to its end, none missing. */
    get complete() {
        return this.remaining < 0 && this.header.length === 0 && this.missing.length === 0;
    }
    push(chunk) {
        let at = 0;
        while (at < chunk.length) {
            if (this.remaining < 0) {
                const newline = chunk.indexOf(0x0a, at);
                if (newline === -1) {
                    this.header = Buffer.concat([this.header, chunk.subarray(at)]);
                    return;
                }
                const line = Buffer.concat([this.header, chunk.subarray(at, newline)]).toString();
                this.header = Buffer.alloc(0);
                at = newline + 1;
                const [id, type, size] = line.split(' ');
                if (type === 'missing' || size === undefined) {
                    this.missing.push(id);
                    continue;
                }
                this.id = id;
                this.remaining = Number(size) + 1;
                this.scanner = this.start();
                continue;
            }
            const take = Math.min(this.remaining, chunk.length - at);
            const content = Math.min(take, this.remaining - 1);
            if (content > 0)
                this.scanner.push(chunk.subarray(at, at + content));
            this.remaining -= take;
            at += take;
            if (this.remaining === 0) {
                this.remaining = -1;
                this.end(this.id, this.scanner);
            }
        }
    }
}

;// CONCATENATED MODULE: ./src/runner.ts
/**
 * Runs one configured loop on any host: finds Claude Code, builds its environment, opens the work tree and the
 * transcript, continues a saved loop or starts a new one, and wires `LoopDeps` to real processes. The host (the
 * Actions or the terminal front end) gives it a log, an environment, a signal, its directories and its words, and
 * gets a `LoopOutcome` back.
 */























async function runConfiguredLoop(config, host) {
    const outcome = (await stillPaused(config, host)) ?? (await runLoopOnce(config, host));
    // Claude runs on an OAuth token (configured, or the environment's without an API key): on a subscription.
    const credential = config.provider === 'anthropic' ? claudeCredential(config, host.env) : undefined;
    return { ...outcome, subscription: credential?.kind === 'oauth' };
}
/**
 * A loop that a usage limit paused, in a run that starts before the reset: it ends at once, before Claude Code is
 * looked for or installed, and the saved state stays as it is.
 */
async function stillPaused(config, host) {
    if (config.stateDir === '')
        return undefined;
    const paused = pausedByUsageLimit(await loadState(config.stateDir), host.identity, Date.now());
    if (paused === undefined)
        return undefined;
    const { state, resetsAt } = paused;
    host.log.text(`State directory ${config.stateDir}: the loop is paused by the usage limit until ${isoTime(resetsAt)}; ` +
        'this run ends without starting Claude.');
    const cause = { kind: 'usage_paused', resetsAt, runs: state.runs, earlierReason: state.reason };
    return {
        ...stoppedBeforeStart(cause, host.describe(cause), config.maxIterations),
        sessionId: state.sessionId,
        lastGate: state.lastGate,
        earlier: earlierRuns(state),
        stateSaved: true,
        resetsAt,
    };
}
async function runLoopOnce(config, host) {
    const toolEnv = withoutCredentials(host.env, [config.githubToken, config.anthropicApiKey, config.claudeCodeOauthToken], host.words.withheld);
    const locating = startLocating(config, host, toolEnv);
    let workspace;
    try {
        workspace = await Workspace.open(config.workingDirectory, toolEnv);
    }
    catch (error) {
        await locating.giveUp();
        const message = error instanceof NotAGitWorkTreeError
            ? host.words.notAWorkTree(error.directory, error.detail)
            : error.message;
        return failedBeforeStart(message, config.maxIterations);
    }
    const run = openRun(host.log);
    try {
        return await runInWorkTree(config, host, { toolEnv, workspace, locating, run });
    }
    catch (error) {
        if (error instanceof SetupCancelledError) {
            const cause = locating.outOfTime?.aborted && !host.signal.aborted
                ? setupOutOfTime(config, { at: 'setup', what: 'claude', during: error.during })
                : { kind: 'cancelled_setup', what: 'claude' };
            return stoppedBeforeStart(cause, host.describe(cause), config.maxIterations);
        }
        return { ...failedBeforeStart(error.message, config.maxIterations), stateSaved: run.stateSaved };
    }
    finally {
        await run.sweep('Claude or the check');
        await run.proxy?.close();
        await run.transcript?.close();
        workspace.dispose();
    }
}
/**
 * The CLI and the work tree are looked up at the same time: each mostly waits for a program (`claude --version`,
 * git), and the first iteration needs both. A work tree that is no good stops the search for the CLI (and an
 * install of it), so that nothing is left running when the host reports it.
 */
function startLocating(config, host, toolEnv) {
    const setup = new AbortController();
    // Setting up counts toward the time limit: a stalled npm install or a slow `claude --version` is stopped at it.
    const setupTimeLeft = config.timeLimitMs === undefined ? undefined : host.startedAt + config.timeLimitMs - Date.now();
    const outOfTime = setupTimeLeft === undefined ? undefined : AbortSignal.timeout(Math.max(0, setupTimeLeft));
    const claude = locateClaude(config.claudePath, config.claudeVersion, toolEnv, host.log.text, AbortSignal.any([host.signal, setup.signal, ...(outOfTime ? [outOfTime] : [])]), {
        fromPath: config.claudeFromPath,
        warning: host.log.warning,
        toolCacheDir: host.toolCacheDir,
        privateToolCache: host.privateToolCache,
        tempDir: host.tempDir || external_node_os_default().tmpdir(),
        describe: host.words.setup,
    });
    // Its failure is read once the work tree is open; until then it must not count as unhandled.
    claude.catch(() => undefined);
    const giveUp = async () => {
        setup.abort();
        await claude.catch(() => undefined);
    };
    return { claude, giveUp, outOfTime };
}
function openRun(log) {
    // Claude and the check carry this run's marker: what they leave running outside their process group (`nohup cmd &`,
    // `setsid cmd`) is found by it and stopped when the iteration or the check ends, however it ends.
    const marker = new ProcessMarker();
    const sweep = async (after) => {
        const killed = await marker.sweep();
        if (killed > 0)
            log.text(`Stopped ${killed} background process(es) left running by ${after}.`);
    };
    return { marker, sweep, stateSaved: false, secretFound: false };
}
/** Sets up the sandbox, the CLI, the proxy and the saved state, then continues the saved loop or starts one. */
async function runInWorkTree(config, host, tree) {
    const { log } = host;
    let settings;
    if (config.sandbox) {
        const sandbox = await setUpSandbox(config, host, tree.toolEnv, tree.locating.outOfTime);
        if (typeof sandbox !== 'string') {
            await tree.locating.giveUp();
            return sandbox;
        }
        settings = sandbox;
    }
    const claude = await tree.locating.claude;
    log.text(`Using Claude Code ${claude.version} from ${claude.source} (${claude.path})`);
    const standIn = await startProxy(config, host, tree.run);
    const runningAsRoot = process.getuid?.() === 0;
    const { env, notes } = buildClaudeEnv(config, host.env, runningAsRoot, host.words, standIn);
    for (const note of notes)
        log.text(note);
    const store = config.stateDir === ''
        ? undefined
        : new StateStore(config.stateDir, claudeConfigDir(env), config.workingDirectory, host.secrets);
    const saved = store ? await savedLoop(store, host.identity, log) : undefined;
    const transcript = new Transcript(external_node_path_default().join(host.tempDir || external_node_os_default().tmpdir(), `autonomous-loop-${host.runId}-${Date.now()}.jsonl`), host.secrets, log.warning);
    tree.run.transcript = transcript;
    const deps = loopDeps(config, host, { ...tree, claudePath: claude.path, settings, env, store, transcript });
    const deadline = config.timeLimitMs === undefined ? undefined : host.startedAt + config.timeLimitMs;
    const outcome = await runLoop(config, deps, host.signal, { identity: host.identity, saved, deadline });
    if (store)
        await discardBadState(store, saved, outcome, tree.run, log);
    return { ...outcome, stateSaved: tree.run.stateSaved };
}
/**
 * Claude gets a stand-in for the credential, good only at this proxy and only while the run lasts. A cloud provider
 * signs in with the job's cloud credentials, to its own endpoint: no proxy stands in for those.
 */
async function startProxy(config, host, run) {
    const credential = config.provider === 'anthropic' ? claudeCredential(config, host.env) : undefined;
    if (!credential)
        return undefined;
    const proxy = await CredentialProxy.start({
        credential,
        upstream: host.env.ANTHROPIC_BASE_URL || ANTHROPIC_API,
        warning: host.log.warning,
        proxyEnv: host.env,
    });
    run.proxy = proxy;
    host.secrets.add(proxy.token);
    host.log.text(`Claude holds a stand-in ${credential.kind === 'api-key' ? 'API key' : 'OAuth token'}, good only at ` +
        `${proxy.url} during this run; the proxy sends its requests on to ${proxy.upstreamOrigin}.`);
    return { kind: credential.kind, token: proxy.token, baseUrl: proxy.url };
}
/** After the loop: a saved state that a later run must not continue is discarded. */
async function discardBadState(store, saved, outcome, run, log) {
    if (saved && outcome.savedSessionFailed) {
        // Not found where it was put back (a naming of the CLI's project directory we did not foresee), or refused by
        // the API: resuming again would fail the same way in every later run, so the next one starts a new loop.
        await store.discard().catch(() => undefined);
        run.stateSaved = false;
        log.warning(`Claude Code could not resume the saved session ${saved.sessionId} (${shorten(outcome.reason, 500)}); the saved state in ` +
            `${store.dir} is discarded, and the next run starts a new loop.`);
    }
    if (run.secretFound) {
        // The loop did not save its leaking work; a state saved by an earlier iteration or run would still have a
        // later run continue the conversation that led to it, as if nothing happened: the next run starts anew.
        await store.discard().catch(() => undefined);
        run.stateSaved = false;
        log.warning(`A secret was found in the loop's work: the saved state in ${store.dir} is discarded.`);
    }
}
/** Wires the loop to real processes: Claude, the check, git, the state store and the host's log. */
function loopDeps(config, host, setup) {
    const { workspace, run } = setup;
    const guard = new SecretGuard(workspace, host.secrets);
    return {
        transcriptFile: () => setup.transcript.path,
        runIteration: iterationRunner(config, host, setup),
        runCheck: checkRunner(config, host, setup),
        fingerprint: () => workspace.fingerprint(),
        countChangedFiles: (from, to) => workspace.countChangedFiles(from, to),
        findSecrets: async (from, to) => {
            const places = await guard.find(from, to);
            run.secretFound ||= places.length > 0;
            return places;
        },
        sleep,
        now: Date.now,
        describe: host.describe,
        saveState: stateSaver(config, host, setup.store, run),
        log: iterationLog(host),
    };
}
function iterationRunner(config, host, setup) {
    const { log } = host;
    const { transcript, run } = setup;
    return (request) => {
        transcript.markRun(request.number, request.attempt);
        return runClaudeProcess({
            executable: setup.claudePath,
            args: buildClaudeArgs(config, request, host.words.where, setup.settings),
            env: run.marker.mark(setup.env),
            cwd: config.workingDirectory,
            prompt: request.prompt,
            timeoutMs: request.timeoutMs,
            signal: host.signal,
            transcript,
            secrets: host.secrets,
            onEvent: (event) => {
                const line = formatEvent(event);
                if (line !== undefined)
                    log.text(line);
            },
        }).finally(() => run.sweep(`Claude in iteration ${request.number}`));
    };
}
function checkRunner(config, host, setup) {
    const { log } = host;
    const { run } = setup;
    return async (number, timeoutMs) => {
        log.startGroup(`Check after iteration ${number}: ${config.checkCommand}`);
        const check = await runCheck({
            command: config.checkCommand,
            cwd: config.workingDirectory,
            env: run.marker.mark(setup.toolEnv),
            timeoutMs,
            signal: host.signal,
            secrets: host.secrets,
            onLine: log.text,
        }).finally(() => run.sweep('the check'));
        log.endGroup();
        const end = describeCheckEnd(check, timeoutMs);
        log.text(`Check after iteration ${number}: ${check.passed ? 'passed' : `failed (${end})`}, ${(check.durationMs / 1000).toFixed(1)} s`);
        return check;
    };
}
function stateSaver(config, host, store, run) {
    const { log } = host;
    let saveWarned = false;
    return async (state) => {
        if (!store)
            return;
        try {
            for (const removed of await store.save(state))
                log.warning(removed);
            run.stateSaved = true;
        }
        catch (error) {
            run.stateSaved = false;
            // Said once: the same cause (a full disk, a read-only directory) would repeat after every iteration.
            if (!saveWarned) {
                log.warning(`Could not save the loop's state in ${host.words.stateDir(config.stateDir)}: ${error.message}. ` +
                    'A later run cannot continue from this point.');
            }
            saveWarned = true;
        }
    };
}
function iterationLog(host) {
    const { log } = host;
    return {
        startIteration: (number, max) => log.startGroup(`Iteration ${number} of ${max}`),
        endIteration: (record, verdict) => {
            log.endGroup();
            const cost = `${record.costKnown ? '' : 'at least '}$${formatCost(record.costUsd)}`;
            const denied = describeDenials(record.deniedTools);
            log.text(`Iteration ${record.number}: ${(record.durationMs / 1000).toFixed(1)} s, ${record.turns} turns, ` +
                `${record.toolCalls} tool calls${denied ? ` (denied: ${denied})` : ''}, ${cost}, ` +
                `${record.changed ? 'files changed' : 'no file changes'} → ${verdict}`);
            host.onIterationEnded?.(record);
        },
        warning: log.warning,
    };
}
/** The --settings JSON that turns the sandbox on, once its tools work; else the outcome that ends the run. */
async function setUpSandbox(config, host, toolEnv, outOfTime) {
    const tools = await prepareSandboxTools({
        env: toolEnv,
        // Installing its tools is set-up too: it counts toward the time limit.
        signal: AbortSignal.any([host.signal, ...(outOfTime ? [outOfTime] : [])]),
        log: host.log.text,
        platform: process.platform,
        runningAsRoot: process.getuid?.() === 0,
    });
    if (!tools.ready) {
        if (!tools.cancelled)
            return failedBeforeStart(`The sandbox cannot run: ${tools.reason}`, config.maxIterations);
        const cause = outOfTime?.aborted && !host.signal.aborted
            ? setupOutOfTime(config, { at: 'setup', what: 'sandbox', during: '' })
            : { kind: 'cancelled_setup', what: 'sandbox' };
        return stoppedBeforeStart(cause, host.describe(cause), config.maxIterations);
    }
    const policy = { allowedDomains: config.allowedDomains, privateDirectories: host.privateDirectories ?? [] };
    try {
        const settings = sandboxSettingsJson(config.claudeArgs, policy, (file) => (0,external_node_fs_namespaceObject.readFileSync)(external_node_path_default().resolve(config.workingDirectory, file), 'utf8'));
        const hosts = config.allowedDomains.length > 0 ? config.allowedDomains.join(', ') : 'none';
        host.log.text(`Claude's commands run in Claude Code's sandbox; hosts they may reach: ${hosts}.`);
        return settings;
    }
    catch (error) {
        return failedBeforeStart(error.message, config.maxIterations);
    }
}
function setupOutOfTime(config, when) {
    return { kind: 'time_limit', minutes: minutesOf(config.timeLimitMs ?? 0), when };
}
/** The saved loop to continue, with its session put back where the CLI finds it; undefined: a new loop. */
async function savedLoop(store, identity, log) {
    const decision = resumeDecision(await store.load(), identity);
    if (!decision.resume) {
        const message = `State directory ${store.dir}: ${decision.why}.`;
        if (decision.warn)
            log.warning(message);
        else
            log.text(message);
        return undefined;
    }
    const { state } = decision;
    try {
        await store.restoreSession(state);
    }
    catch (error) {
        log.warning(`State directory ${store.dir}: Claude's session could not be restored (${error.message}): ` +
            'starting a new loop.');
        return undefined;
    }
    log.text(`Continuing the loop saved in ${store.dir}: run ${state.runs + 1}, ${state.iterations} iterations and ` +
        `${state.costKnown ? '' : 'at least '}$${formatCost(state.costUsd)} so far, session ${state.sessionId}, ` +
        `last status ${state.status}.`);
    return state;
}
function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal.aborted)
            return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
        }
        signal.addEventListener('abort', done, { once: true });
    });
}

;// CONCATENATED MODULE: ./src/local/provider-words.ts
/** How a user sets, in their shell, what the provider lacks. */
function howToSet(missing) {
    switch (missing.kind) {
        case 'aws-region':
            return 'export AWS_REGION (e.g. export AWS_REGION=us-east-1): Claude Code does not read it from ~/.aws/config';
        case 'aws-credentials':
            return 'sign in first: aws sso login (and export AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
        case 'vertex-project':
            return `export ${missing.absent.length === 1 ? 'it' : 'them'} in your shell`;
        case 'google-credentials':
            return ('sign in first: gcloud auth application-default login, then export GOOGLE_APPLICATION_CREDENTIALS with the ' +
                'file it wrote (~/.config/gcloud/application_default_credentials.json)');
        case 'foundry-endpoint':
            return ('export one: ANTHROPIC_FOUNDRY_RESOURCE, the resource name (<resource> in ' +
                'https://<resource>.services.ai.azure.com), or ANTHROPIC_FOUNDRY_BASE_URL, the whole base URL ending in /anthropic');
    }
}
/** What to check when the provider turned the user's credentials down. */
const AUTH_HINTS = {
    bedrock: 'check that your AWS identity (aws sts get-caller-identity) may call bedrock:InvokeModel and ' +
        'bedrock:InvokeModelWithResponseStream on the model in AWS_REGION, and sign in again (aws sso login) if it expired',
    vertex: 'check that the account of gcloud auth application-default login has roles/aiplatform.user in ' +
        'ANTHROPIC_VERTEX_PROJECT_ID and that the model is enabled in the Model Garden',
    foundry: 'check ANTHROPIC_FOUNDRY_API_KEY, or your Entra ID sign-in (az login) and its role on the Foundry resource',
};

;// CONCATENATED MODULE: ./src/local/describe.ts
/**
 * Why the loop stopped, in the terminal's words: the settings are named as the command's flags (--max-budget-usd),
 * the credentials as the environment variables it reads, or the CLI's own login.
 */




function describeForTerminal(cause) {
    if (isPlain(cause))
        return plainWords(cause);
    switch (cause.kind) {
        case 'cancelled':
            return `The loop was interrupted during iteration ${cause.iteration}.`;
        case 'cancelled_setup':
            return `The loop was interrupted while setting up ${cause.what === 'claude' ? 'Claude Code' : 'the sandbox'}.`;
        case 'time_limit':
            return `This run reached its time limit (--time-limit-minutes ${cause.minutes}) ${describeTimeLimitWhen(cause.when)}`;
        case 'iteration_timeout':
            return `Iteration ${cause.iteration} ran longer than --iteration-timeout-minutes (${cause.minutes}) and was stopped.`;
        case 'budget': {
            const spent = `${cause.costKnown ? '' : 'at least '}$${formatCost(cause.spentUsd)}`;
            const how = cause.cliStop ? `; the CLI stopped at what was left of it (${cause.cliStop})` : '';
            return withDenials(`The loop has cost ${spent}, reaching --max-budget-usd ($${cause.limitUsd})${how}.`, cause.denials);
        }
        case 'breaker': {
            const reason = withDenials(cause.tripReason, cause.denials);
            if (cause.checkEnd === undefined)
                return reason;
            return `${reason}: Claude reported the task complete, but the check command failed (${cause.checkEnd}).`;
        }
        case 'auth':
            return authReason(cause);
        case 'secret_leak':
            return secretLeakReason(cause.places, describeMoment(cause.when));
        default:
            return unworded(cause);
    }
}
function withDenials(reason, denials) {
    const denied = denials ? describeDenials(denials.deniedTools) : '';
    if (denied === '')
        return reason;
    return (`${reason.replace(/\.$/, '')}. Under --permission-mode ${denials.permissionMode} the CLI denied Claude's tool calls: ${denied}; ` +
        'allow them with --allowed-tools or choose another --permission-mode.');
}
function authReason(cause) {
    const code = cause.status ? ` (${cause.status})` : '';
    if (cause.provider !== undefined) {
        const { provider } = cause;
        return `${PROVIDER_NAMES[provider]} did not accept the credentials${code}: ${AUTH_HINTS[provider]}. The CLI said: ${cause.cliSaid}`;
    }
    if (cause.credential === 'none') {
        return ('Claude Code has no credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or log ' +
            `in with the CLI (claude, then /login). The CLI said: ${cause.cliSaid}`);
    }
    const variable = cause.credential === 'oauth-token'
        ? 'CLAUDE_CODE_OAUTH_TOKEN'
        : cause.credential === 'api-key'
            ? 'ANTHROPIC_API_KEY'
            : 'ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (or the login of the CLI)';
    return `The Anthropic API rejected the API key or token${code}: check ${variable}. The CLI said: ${cause.cliSaid}`;
}
/** Names where (never what), and says what to do. */
function secretLeakReason(places, when) {
    return (`A secret the loop holds (a credential, as it is or in base64) was found ${when} in what the loop changed: ` +
        `${describePlaces(places)}. Revoke that credential and make a new one: whatever wrote it there had it. The loop ` +
        'stopped before it could complete, and saved no state to continue from.');
}
/** Never called: a new kind of cause without words here fails the type check. */
function unworded(cause) {
    throw new Error(`No words for the stop cause ${JSON.stringify(cause)}`);
}

;// CONCATENATED MODULE: ./src/system/real-path.ts
/**
 * Where a path really leads, for the settings that must stay inside or outside the workspace: a symbolic link anywhere
 * on the way counts, not the path's spelling.
 */


/**
 * The real path of `target`; for one that does not exist yet, its nearest existing ancestor's with the rest added,
 * and a dangling link followed to where it would create its target.
 */
function realPath(target) {
    const rest = [];
    let current = external_node_path_default().resolve(target);
    // A bound on the links followed, as the system has one: a loop of links ends as it is.
    for (let links = 0;;) {
        try {
            return external_node_path_default().join((0,external_node_fs_namespaceObject.realpathSync)(current), ...rest.reverse());
        }
        catch (error) {
            const code = error.code ?? '';
            const link = code === 'ENOENT' && links < 40 ? linkTarget(current) : undefined;
            const parent = external_node_path_default().dirname(current);
            if (link !== undefined) {
                links++;
                current = external_node_path_default().resolve(parent, link);
            }
            else if (parent === current || !['ENOENT', 'ENOTDIR'].includes(code)) {
                return external_node_path_default().join(current, ...rest.reverse());
            }
            else {
                rest.push(external_node_path_default().basename(current));
                current = parent;
            }
        }
    }
}
function linkTarget(file) {
    try {
        return (0,external_node_fs_namespaceObject.lstatSync)(file).isSymbolicLink() ? (0,external_node_fs_namespaceObject.readlinkSync)(file) : undefined;
    }
    catch {
        return undefined;
    }
}
/** `inner` is `outer` or inside it (both absolute). */
function isWithin(inner, outer) {
    const relative = external_node_path_default().relative(outer, inner);
    // `..state` is a directory inside; only `..` itself or a path through it leads out.
    return !(relative === '..' || relative.startsWith(`..${(external_node_path_default()).sep}`) || external_node_path_default().isAbsolute(relative));
}

;// CONCATENATED MODULE: ./src/local/host-words.ts
/**
 * The terminal's words for what the shared layers report: a developer's machine as where the loop runs, and the
 * command's flags by name.
 */

const LOCAL_WORDS = {
    where: "a terminal on a developer's machine",
    // Run inside a CI job, the command keeps the runner's credentials and file commands from Claude as the Action does.
    withheld: /^(ACTIONS_RUNTIME_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$|ACTIONS_RESULTS_URL$|GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)$)/,
    githubToken: 'the GitHub token',
    setup: describeSetup,
    notAWorkTree: (directory, detail) => `The working directory (${directory}) is not inside a git work tree: the loop tells Claude's changes by git. ` +
        `Run autonomous-loop in a repository (git init, or a clone), or pass --working-directory. (${detail})`,
    stateDir: (directory) => `--state-dir (${directory})`,
};
function describeSetup(problem) {
    switch (problem.kind) {
        case 'claude-path-not-executable':
            return `--claude-path is "${problem.given}", but ${problem.resolved} is not an executable file.`;
        case 'path-version-differs':
            return (`The claude on PATH (${problem.onPath}) is version ${problem.version}, but --claude-version is ` +
                `${problem.wanted}: using ${problem.wanted}. Pass --claude-version ${problem.version}, or --claude-from-path, ` +
                'to use the one on PATH.');
        case 'npm-missing':
            return (`Could not install ${problem.what} (--claude-version): npm is not on PATH. Install Node.js with npm, or ` +
                'pass --claude-path with an installed claude.');
        case 'npm-failed':
            return `Could not install ${problem.what} (--claude-version): npm ${problem.failure}.`;
    }
}
/**
 * The user's own tool cache: never the shared temporary directory, where another user could put a `claude` there
 * first. `XDG_CACHE_HOME` counts only when absolute, as the XDG spec says.
 */
function localToolCacheDir(env, homeDir) {
    const cacheHome = env.XDG_CACHE_HOME && external_node_path_default().isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
    return external_node_path_default().join(cacheHome ?? external_node_path_default().join(env.HOME || homeDir, '.cache'), 'autonomous-loop', 'tool-cache');
}

;// CONCATENATED MODULE: ./src/local/exit-code.ts
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** 128 + SIGINT, as a shell reports a program that Ctrl-C stopped. */
const EXIT_INTERRUPTED = 130;
/** An interruption wins: the loop was stopped, whatever status it then reported. */
function exitCodeFor(status, failOn, interrupted) {
    if (interrupted)
        return EXIT_INTERRUPTED;
    return failOn.includes(status) ? EXIT_FAILED : EXIT_OK;
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/core/settings.ts
/** The CLI version installed when no `claude` is found; the one the end-to-end tests run. */
const DEFAULT_CLAUDE_VERSION = '2.1.330';
/**
 * Node's timers fire at once when asked to wait longer than 2³¹−1 ms (about 24.8 days): the whole minutes below that,
 * ⌊(2³¹−1) / 60,000⌋ (a test checks the sum).
 */
const MAX_DURATION_MINUTES = 35_791;
const DEFAULT_CONTINUATION_PROMPT = 'Continue working on the task. Review your previous output and progress. When you are completely done, output a COMPLETION_GATE block with ready: true.';
const PERMISSION_MODES = [
    'acceptEdits',
    'auto',
    'bypassPermissions',
    'default',
    'dontAsk',
    'manual',
    'plan',
];
/** Where Claude is reached: the Anthropic API, or a cloud's (the rules for each are in providers.ts). */
const PROVIDERS = ['anthropic', 'bedrock', 'vertex', 'foundry'];

;// CONCATENATED MODULE: ./src/claude/user-args.ts
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
function ownedFlagsIn(args, budgetOwned) {
    const found = [];
    for (const arg of args) {
        const long = arg.split('=')[0];
        const short = arg.slice(0, 2);
        if (OWNED_FLAGS.includes(long) || (budgetOwned && long === '--max-budget-usd'))
            found.push(long);
        else if (OWNED_SHORT_FLAGS.includes(short) && !/\s/.test(arg))
            found.push(short);
    }
    return [...new Set(found)];
}
/** The flags in `args` that would put a secret where redaction cannot see it whole. */
function refusedFlagsIn(args) {
    return [...new Set(args.map((arg) => arg.split('=')[0]).filter((arg) => REFUSED_FLAGS.includes(arg)))];
}

;// CONCATENATED MODULE: ./src/text/shell-words.ts
/**
 * Splits a string into arguments the way a POSIX shell would (whitespace, single quotes, double quotes, backslash),
 * without ever running a shell: no expansion, no globbing, no operators. Used for the `claude-args` input.
 */
function splitShellWords(input) {
    const words = [];
    let word = '';
    let inWord = false;
    let quote;
    for (let i = 0; i < input.length; i++) {
        const ch = input[i];
        if (quote === "'") {
            if (ch === "'")
                quote = undefined;
            else
                word += ch;
        }
        else if (quote === '"') {
            if (ch === '"')
                quote = undefined;
            // Past the end there is no character to escape (and the quote is unclosed, which throws below).
            else if (ch === '\\' && '"\\$`\n'.includes(input[i + 1]))
                word += input[++i];
            else
                word += ch;
        }
        else if (ch === "'" || ch === '"') {
            quote = ch;
            inWord = true;
        }
        else if (ch === '\\') {
            if (i + 1 < input.length)
                word += input[++i];
            inWord = true;
        }
        else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
            if (inWord)
                words.push(word);
            word = '';
            inWord = false;
        }
        else {
            word += ch;
            inWord = true;
        }
    }
    if (quote !== undefined)
        throw new Error(`unclosed ${quote === '"' ? 'double' : 'single'} quote`);
    if (inWord)
        words.push(word);
    return words;
}

;// CONCATENATED MODULE: ./src/text/tool-list.ts
/**
 * Lists as the inputs and the local flags take them: tool names and patterns, and sandbox host names. Pure: a
 * front end wraps a `ListError` in its own words (an input's name, or a flag's).
 */
class ListError extends Error {
    name = 'ListError';
}
/**
 * Tool names and patterns separated by commas or any whitespace, as a YAML block puts them one a line. The CLI
 * splits a value on commas and spaces only (a newline glues two names into one unknown name, and a disallowed tool
 * stays allowed), and never inside parentheses: `Bash(npm test:*)` is one item. A backslash escapes the next
 * character, as in the CLI. An unbalanced parenthesis would swallow the rest of the list, so it is an error.
 */
function splitToolList(text) {
    const items = [];
    let item = '';
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
            if (item !== '')
                items.push(item);
            item = '';
            continue;
        }
        if (ch === '\\') {
            item += text.slice(i, i + 2);
            i++;
            continue;
        }
        if (ch === '(')
            depth++;
        if (ch === ')' && --depth < 0)
            throw new ListError(`")" without a "(" in "${item})".`);
        item += ch;
    }
    if (depth > 0)
        throw new ListError(`"(" is never closed in "${item}".`);
    if (item !== '')
        items.push(item);
    return items;
}
/** Comma-, space- or newline-separated items. */
function splitList(text) {
    return text.split(/[,\s]/).filter((item) => item !== '');
}
/** A host name for the sandbox's network filter; `*.example.com` takes its subdomains. No scheme, port or path. */
function isHostPattern(host) {
    return /^(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host);
}

;// CONCATENATED MODULE: ./src/local/flag-values.ts
/**
 * The checks on one flag's value, each a `UsageError` that names the flag and the value it got. The same rules as the
 * action's inputs (src/actions/inputs.ts), in the flags' words.
 */





class UsageError extends Error {
    name = 'UsageError';
}
function wholeNumber(get, name, fallback, min) {
    const text = get(name);
    if (text === '')
        return fallback;
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min) {
        throw new UsageError(`--${name} must be a whole number of at least ${min}, got '${text}'.`);
    }
    return value;
}
function optionalPositiveNumber(get, name) {
    const text = get(name);
    if (text === '')
        return undefined;
    const value = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value) || value <= 0)
        throw new UsageError(`--${name} must be a positive number, got '${text}'.`);
    return value;
}
/** Minutes as milliseconds, capped where Node's timers still wait (see MAX_DURATION_MINUTES). */
function optionalMinutes(get, name) {
    const text = get(name);
    if (text === '')
        return undefined;
    const minutes = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!(minutes > 0 && minutes <= MAX_DURATION_MINUTES)) {
        throw new UsageError(`--${name} must be a number of minutes above 0 and at most ${MAX_DURATION_MINUTES}, got '${text}'.`);
    }
    return Math.max(1, Math.round(minutes * 60_000));
}
function oneOf(get, name, values, fallback) {
    const value = get(name) || fallback;
    if (!values.includes(value)) {
        throw new UsageError(`--${name} is '${value}'; expected one of: ${values.join(', ')}.`);
    }
    return value;
}
/** Exact: it names the tool-cache directory and is compared with what `claude --version` prints. */
function exactVersion(get, name) {
    const value = get(name) || DEFAULT_CLAUDE_VERSION;
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value)) {
        throw new UsageError(`--${name} is '${value}'; expected an exact version such as ${DEFAULT_CLAUDE_VERSION}.`);
    }
    return value;
}
function toolList(get, name) {
    const text = get(name);
    try {
        return splitToolList(text);
    }
    catch (error) {
        if (!(error instanceof ListError))
            throw error;
        throw new UsageError(`--${name} is '${text}': ${error.message}`);
    }
}
function domainList(get, name) {
    const hosts = splitList(get(name));
    const bad = hosts.find((host) => !isHostPattern(host));
    if (bad !== undefined) {
        throw new UsageError(`--${name} has '${bad}', which is not a host name; expected names such as registry.npmjs.org or *.example.com.`);
    }
    return [...new Set(hosts.map((host) => host.toLowerCase()))];
}
/** `none` is an explicit empty list. */
function statusList(get, name, fallback) {
    const raw = get(name);
    if (raw.toLowerCase() === 'none')
        return [];
    const items = splitList(raw === '' ? fallback : raw);
    const unknown = items.find((item) => !isStatus(item));
    if (unknown !== undefined) {
        throw new UsageError(`--${name} has an unknown status '${unknown}'; known statuses: ${STATUSES.join(', ')}.`);
    }
    return [...new Set(items)];
}
/**
 * More arguments for the CLI, split as a shell would (quotes kept together), refused as the action refuses them in
 * `claude-args`: flags the loop sets itself, and those that would carry a secret past redaction.
 */
function claudeArgs(get, name, budgetOwned) {
    const text = get(name);
    let args;
    try {
        args = splitShellWords(text);
    }
    catch (error) {
        throw new UsageError(`--${name} is '${text}': ${error.message}.`);
    }
    const owned = ownedFlagsIn(args, budgetOwned);
    if (owned.length > 0) {
        throw new UsageError(`--${name} is '${text}': autonomous-loop sets ${owned.join(', ')} itself; remove ` +
            `${owned.length === 1 ? 'it' : 'them'}` +
            (owned.includes('--max-budget-usd')
                ? " (--max-budget-usd is the loop's budget: pass it to autonomous-loop)."
                : '.'));
    }
    const refused = refusedFlagsIn(args);
    if (refused.length > 0) {
        throw new UsageError(`--${name} is '${text}': ${refused.join(', ')} cannot be used, as the loop redacts whole messages: a secret ` +
            `cut across two partial events would reach the terminal and the transcript; remove ${refused.length === 1 ? 'it' : 'them'}.`);
    }
    return args;
}

;// CONCATENATED MODULE: ./src/local/flag-paths.ts
/**
 * The flags that name places: the working directory (in a git work tree), the prompt file and the state directory,
 * held to the same safety as the action's inputs, with the repository in place of the workspace.
 */




function readWorkingDirectory(get, where) {
    const given = get('working-directory');
    const workingDirectory = external_node_path_default().resolve(where.cwd, given);
    if (!(0,external_node_fs_namespaceObject.existsSync)(workingDirectory) || !(0,external_node_fs_namespaceObject.statSync)(workingDirectory).isDirectory()) {
        throw new UsageError(`--working-directory is '${given}', but ${workingDirectory} is not a directory.`);
    }
    try {
        return { workingDirectory, repository: where.repositoryOf(workingDirectory, where.env) };
    }
    catch (error) {
        const which = given === '' ? `The current directory (${workingDirectory})` : `--working-directory (${workingDirectory})`;
        throw new UsageError(`${which} is not inside a git work tree: the loop tells Claude's changes by git. Run autonomous-loop in a ` +
            `repository (git init, or a clone), or pass --working-directory. (${error.message.trim()})`);
    }
}
function readPrompt(get, workingDirectory, repository) {
    const prompt = get('prompt');
    const promptFile = get('prompt-file');
    if (prompt !== '' && promptFile !== '')
        throw new UsageError('Give one of --prompt and --prompt-file, not both.');
    if (prompt === '' && promptFile === '') {
        throw new UsageError('Give --prompt or --prompt-file: the task for Claude is missing (see --help).');
    }
    if (prompt !== '')
        return prompt;
    const file = external_node_path_default().resolve(workingDirectory, promptFile);
    if (!(0,external_node_fs_namespaceObject.existsSync)(file) || !(0,external_node_fs_namespaceObject.statSync)(file).isFile()) {
        throw new UsageError(`--prompt-file is '${promptFile}', but ${file} does not exist or is not a file.`);
    }
    // A file in the repository is the repository's to link anywhere (a cloned pull request's link to ~/.ssh/id_rsa
    // would put your key in the prompt); one you name outside it is your choice.
    const real = realPath(file);
    if (linkLeadsOut(file, realPath(repository))) {
        throw new UsageError(`--prompt-file is '${promptFile}', but ${file} leads out of the repository (${repository}) through a link, ` +
            `to ${real}: a prompt file in the repository must stay in it.`);
    }
    const text = (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    if (text.trim() === '')
        throw new UsageError(`--prompt-file is '${promptFile}', but ${file} is empty.`);
    return text;
}
/**
 * Whether a link in `root` (a real path) is on the way to `file`: a name whose folder is really in `root` and that
 * really leads out of it. The spelling of `file` does not count (the repository may be reached through a link).
 */
function linkLeadsOut(file, root) {
    for (let current = file, parent = external_node_path_default().dirname(file); parent !== current; current = parent, parent = external_node_path_default().dirname(parent)) {
        if (isWithin(realPath(parent), root) && !isWithin(realPath(current), root))
            return true;
    }
    return false;
}
/**
 * Outside the repository, by its spelling and by where it leads: the loop would count its own saves as Claude's
 * changes, and Claude could edit what the next run trusts.
 */
function readStateDir(get, cwd, repository) {
    const given = get('state-dir');
    if (given === '')
        return '';
    const stateDir = external_node_path_default().resolve(cwd, given);
    const real = realPath(stateDir);
    // The working directory is inside the repository: holding the state dir outside the one holds it outside both.
    if (isWithin(stateDir, repository) || isWithin(real, realPath(repository))) {
        const through = real === stateDir ? '' : ` (through a link: ${real})`;
        throw new UsageError(`--state-dir is '${given}', which is inside the repository (${repository})${through}: use a directory ` +
            'outside it, e.g. ~/.cache/autonomous-loop/this-task.');
    }
    if ((0,external_node_fs_namespaceObject.existsSync)(stateDir) && !(0,external_node_fs_namespaceObject.statSync)(stateDir).isDirectory()) {
        throw new UsageError(`--state-dir is '${given}', but ${stateDir} is not a directory.`);
    }
    return stateDir;
}
/** Where `--summary` writes, absolute; its folder must exist, so that a loop's summary is not lost at the end. */
function readSummaryFile(get, cwd) {
    const given = get('summary');
    if (given === '')
        return undefined;
    const file = external_node_path_default().resolve(cwd, given);
    if (!(0,external_node_fs_namespaceObject.existsSync)(external_node_path_default().dirname(file)) || !(0,external_node_fs_namespaceObject.statSync)(external_node_path_default().dirname(file)).isDirectory()) {
        throw new UsageError(`--summary is '${given}', but ${external_node_path_default().dirname(file)} is not a directory.`);
    }
    if ((0,external_node_fs_namespaceObject.existsSync)(file) && (0,external_node_fs_namespaceObject.statSync)(file).isDirectory()) {
        throw new UsageError(`--summary is '${given}', but ${file} is a directory.`);
    }
    return file;
}

;// CONCATENATED MODULE: ./src/local/provider-flag.ts
/**
 * `--provider`, read together with the environment, as the action reads its `provider` input (the facts are
 * core/providers.ts's). On a terminal a cloud's credentials may come from the machine's own configuration (an AWS
 * profile, gcloud's application-default login), so a credential missing from the environment is a warning only.
 */





/** @param given the flag's value ('' when not given: the Anthropic API, unless the environment turns a cloud on) */
function readProviderFlag(given, env, warnings) {
    if (given !== '' && !PROVIDERS.includes(given)) {
        throw new UsageError(`--provider is '${given}'; expected one of: ${PROVIDERS.join(', ')}.`);
    }
    const unsupported = unsupportedSwitchesOn(env);
    if (unsupported.length > 0) {
        throw new UsageError(`Your environment turns on ${unsupported.join(', ')}, a provider autonomous-loop does not support: unset it, ` +
            `and pass --provider with one of: ${PROVIDERS.join(', ')}.`);
    }
    const switched = switchedOnProviders(env);
    if (switched.length > 1) {
        throw new UsageError(`Your environment turns on more than one provider (${switched.map((p) => PROVIDER_SWITCHES[p]).join(', ')}): ` +
            'unset all but one, or all of them and pass --provider.');
    }
    const provider = switched[0] ?? (given || 'anthropic');
    if (given !== '' && given !== 'anthropic' && given !== provider) {
        throw new UsageError(`--provider is '${given}', but your environment sets ${PROVIDER_SWITCHES[switched[0]]} for '${provider}': ` +
            'drop one of the two.');
    }
    for (const missing of missingSettings(provider, env)) {
        const message = `--provider ${provider} needs ${missing.needs} in the environment`;
        if (!missing.credential)
            throw new UsageError(`${message}: ${howToSet(missing)}.`);
        warnings.push(`${message}; going on: the CLI may sign in to ${PROVIDER_NAMES[provider]} from your own setup (${howToSet(missing)}).`);
    }
    const credentialsFile = provider === 'vertex' ? (env.GOOGLE_APPLICATION_CREDENTIALS ?? '') : '';
    if (credentialsFile !== '' && !((0,external_node_fs_namespaceObject.existsSync)(credentialsFile) && (0,external_node_fs_namespaceObject.statSync)(credentialsFile).isFile())) {
        throw new UsageError(`--provider vertex reads the file that GOOGLE_APPLICATION_CREDENTIALS names, but '${credentialsFile}' is not a file.`);
    }
    return provider;
}

;// CONCATENATED MODULE: ./src/local/flags.ts
/**
 * Reads the local command's flags (named after the action's inputs) into a frozen `LoopConfig` and the terminal's own
 * options. Every error is a `UsageError` that names the flag and the value it got.
 */








/**
 * The action's inputs that a terminal has no use for are not flags: `anthropic-api-key` and `claude-code-oauth-token`
 * (a secret on the command line shows in `ps` and the shell's history: the environment holds them), and the GitHub
 * ones (`open-issue-on`, `issue-labels`, `status-issue`, `github-token`, `allowed-actors`).
 */
const STRING_FLAGS = [
    ...['prompt', 'prompt-file', 'continuation-prompt', 'max-iterations', 'hard-limit', 'no-change-threshold'],
    ...['same-error-threshold', 'max-budget-usd', 'iteration-timeout-minutes', 'time-limit-minutes', 'api-retries'],
    ...['check-command', 'check-on', 'check-timeout-minutes', 'working-directory', 'state-dir', 'provider', 'model'],
    ...['max-turns', 'allowed-tools', 'disallowed-tools', 'permission-mode', 'claude-args', 'allowed-domains'],
    ...['claude-path', 'claude-version', 'fail-on', 'summary'],
];
const BOOLEAN_FLAGS = ['sandbox', 'claude-from-path', 'quiet', 'json', 'help', 'version'];
const OPTIONS = {
    ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' }])),
    ...Object.fromEntries(BOOLEAN_FLAGS.map((name) => [name, { type: 'boolean' }])),
    help: { type: 'boolean', short: 'h' },
    quiet: { type: 'boolean', short: 'q' },
};
/** Every flag name, for a test that holds them against action.yml's inputs. */
const FLAG_NAMES = [...STRING_FLAGS, ...BOOLEAN_FLAGS];
function parseFlags(argv, where) {
    let values;
    try {
        values = (0,external_node_util_namespaceObject.parseArgs)({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
    }
    catch (error) {
        // Node's own words name the flag: "Unknown option '--promt'", "Option '--prompt <value>' argument missing".
        throw new UsageError(error.message);
    }
    if (values.help)
        return { kind: 'help' };
    if (values.version)
        return { kind: 'version' };
    const get = (name) => (values[name] ?? '').trim();
    const flag = (name) => values[name] === true;
    const { workingDirectory, repository } = readWorkingDirectory(get, where);
    const config = readConfig(get, flag, where, workingDirectory, repository);
    const options = {
        quiet: flag('quiet'),
        json: flag('json'),
        summaryFile: readSummaryFile(get, where.cwd),
        failOn: config.failOn,
    };
    return { kind: 'run', config: Object.freeze(config), options, repository };
}
function readConfig(get, flag, where, workingDirectory, repository) {
    const warnings = [];
    const hardLimit = wholeNumber(get, 'hard-limit', 50, 1);
    const requestedMax = wholeNumber(get, 'max-iterations', 10, 1);
    if (requestedMax > hardLimit) {
        warnings.push(`--max-iterations is ${requestedMax}, above --hard-limit ${hardLimit}: using ${hardLimit}.`);
    }
    const sandbox = flag('sandbox');
    const allowedDomains = domainList(get, 'allowed-domains');
    if (!sandbox && allowedDomains.length > 0) {
        warnings.push("--allowed-domains is set without --sandbox: Claude's commands may reach any host.");
    }
    const maxBudgetUsd = optionalPositiveNumber(get, 'max-budget-usd');
    return {
        prompt: readPrompt(get, workingDirectory, repository),
        continuationPrompt: get('continuation-prompt') || DEFAULT_CONTINUATION_PROMPT,
        maxIterations: Math.min(requestedMax, hardLimit),
        hardLimit,
        noChangeThreshold: wholeNumber(get, 'no-change-threshold', 3, 1),
        sameErrorThreshold: wholeNumber(get, 'same-error-threshold', 5, 1),
        maxBudgetUsd,
        iterationTimeoutMs: optionalMinutes(get, 'iteration-timeout-minutes') ?? 30 * 60_000,
        timeLimitMs: optionalMinutes(get, 'time-limit-minutes'),
        apiRetries: wholeNumber(get, 'api-retries', 2, 0),
        checkCommand: get('check-command'),
        checkOn: oneOf(get, 'check-on', CHECK_ON, 'ready'),
        checkTimeoutMs: optionalMinutes(get, 'check-timeout-minutes') ?? 10 * 60_000,
        workingDirectory,
        stateDir: readStateDir(get, where.cwd, repository),
        // The CLI finds ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or its own login.
        anthropicApiKey: '',
        claudeCodeOauthToken: '',
        provider: readProviderFlag(get('provider'), where.env, warnings),
        model: get('model'),
        maxTurns: get('max-turns') === '' ? undefined : wholeNumber(get, 'max-turns', 0, 1),
        allowedTools: toolList(get, 'allowed-tools'),
        disallowedTools: toolList(get, 'disallowed-tools'),
        permissionMode: oneOf(get, 'permission-mode', PERMISSION_MODES, 'bypassPermissions'),
        claudeArgs: claudeArgs(get, 'claude-args', maxBudgetUsd !== undefined),
        sandbox,
        allowedDomains,
        claudePath: get('claude-path'),
        claudeVersion: exactVersion(get, 'claude-version'),
        claudeFromPath: flag('claude-from-path'),
        failOn: statusList(get, 'fail-on', 'failed,timed_out'),
        // The GitHub inputs: no issue, no status comment, no actor check on a terminal.
        openIssueOn: [],
        issueLabels: [],
        statusIssue: undefined,
        githubToken: '',
        allowedActors: [],
        warnings,
    };
}

;// CONCATENATED MODULE: ./src/local/help.ts
/** The text of `autonomous-loop --help`: every flag, its default, the credentials and the exit codes. */

const HELP = `Usage: autonomous-loop --prompt TEXT [flags]

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

;// CONCATENATED MODULE: ./src/report/summary.ts




/** GitHub refuses a step summary over 1 MiB; stay well below it. */
const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
const MAX_LISTED_BLOCKERS = 50;
/** A table row stays readable; the whole text is in the transcript. */
const MAX_CELL = 1000;
const STATUS_ICON = {
    completed: '✅',
    iteration_limit_reached: '🔁',
    no_progress: '⏸️',
    repeated_error: '♻️',
    budget_exceeded: '💸',
    usage_limited: '⏳',
    time_limit_reached: '⌛',
    timed_out: '⏱️',
    cancelled: '🚫',
    failed: '❌',
};
/** Past this many iterations the table is folded away: the head of the summary stays readable. */
const OPEN_TABLE_ROWS = 10;
/** Statuses where a breaker or a limit, not Claude, ended the loop: Claude's own view is then worth reading. */
const STOPPED_SHORT = new Set([
    'iteration_limit_reached',
    'no_progress',
    'repeated_error',
    'budget_exceeded',
    'usage_limited',
    'time_limit_reached',
    'timed_out',
]);
/** Everything from Claude, a tool or the repository goes through `markdownInline`/`markdownCell`. */
function renderMarkdownSummary(outcome, around = {}) {
    const { issue, runUrl = '', hint } = around;
    const title = `## ${STATUS_ICON[outcome.status]} Autonomous loop: \`${outcome.status}\``;
    const reason = markdownInline(outcome.reason, REPORT_TEXT) || '(none given)';
    if (outcome.records.length === 0) {
        // Nothing ran (an input error, a CLI that could not be found, a cancellation during set-up): one block that
        // says why, not a page of empty sections.
        const lines = [
            title,
            '',
            `**${outcome.status === 'failed' ? 'Error' : 'Reason'}:** ${reason}`,
            '',
            'No iteration ran.',
        ];
        if (runUrl)
            lines.push('', `[Workflow run](${runUrl})`);
        if (hint)
            lines.push('', hint);
        return `${lines.join('\n')}\n`;
    }
    const head = [title, '', `**Reason:** ${reason}`];
    const assessment = outcome.lastGate?.reason;
    if (STOPPED_SHORT.has(outcome.status) && assessment) {
        head.push('', `**Claude's last assessment:** ${markdownInline(assessment, REPORT_TEXT)}`);
    }
    const stale = staleCheckNote(outcome);
    if (stale)
        head.push('', stale);
    head.push('', '| | |', '|---|---|', `| Iterations | ${outcome.iterations} of ${outcome.maxIterations} |`, `| Wall time | ${formatElapsed(outcome.wallTimeMs)} |`, `| ${outcome.earlier ? "This run's cost" : 'Total cost'} | ${costText(outcome.costUsd, outcome.costKnown)}${subscriptionNote(outcome)} |`, ...earlierRows(outcome), `| Turns | ${outcome.turns} |`, `| Tokens | ${tokensText(outcome)} |`, `| Files changed | ${outcome.filesChanged ?? 'unknown (the work tree could not be compared)'} |`, `| Session id | ${outcome.sessionId ? markdownCode(outcome.sessionId, 200, true) : '(none)'} |`);
    if (issue)
        head.push(`| Issue | [#${issue.number}](${issue.url}) |`);
    if (runUrl)
        head.push(`| Workflow run | [logs and artifacts](${runUrl}) |`);
    if (hint)
        head.push('', hint);
    const blockers = outcome.lastGate?.blockers ?? [];
    head.push('', '### Blockers', '');
    if (blockers.length === 0)
        head.push('None reported.');
    for (const blocker of blockers.slice(0, MAX_LISTED_BLOCKERS))
        head.push(`- ${markdownInline(blocker, REPORT_TEXT)}`);
    if (blockers.length > MAX_LISTED_BLOCKERS)
        head.push(`- … and ${blockers.length - MAX_LISTED_BLOCKERS} more`);
    head.push('', '### Progress', '', markdownInline(outcome.lastGate?.progress ?? '', REPORT_TEXT) || 'None reported.');
    const rows = [];
    let previousGate;
    for (const record of outcome.records) {
        const cost = record.costKnown ? `$${formatCost(record.costUsd)}` : `unknown (≥ $${formatCost(record.costUsd)})`;
        rows.push(`| ${record.number} | ${(record.durationMs / 1000).toFixed(1)} s | ${record.turns} | ${cost} | ${record.changed ? 'yes' : 'no'} | ${gateCell(record, previousGate)} | ${checkCell(record)} | ${notesCell(record)} |`);
        previousGate = record.gate ?? previousGate;
    }
    const folded = rows.length > OPEN_TABLE_ROWS;
    const table = {
        before: [
            '',
            '### Iterations',
            '',
            ...(folded ? [`<details><summary>All ${rows.length} iterations</summary>`, ''] : []),
            '| # | Duration | Turns | Cost | Changed | Gate | Check | Notes |',
            '|---|---|---|---|---|---|---|---|',
        ],
        rows,
        after: folded ? ['', '</details>'] : [],
    };
    return fitSummary([...head, ...failedCheck(outcome)].join('\n'), table);
}
/** The check after an iteration, for a table cell: shared by the job summary and the status comment. */
function checkCell(record) {
    if (!record.check)
        return '—';
    return record.check.passed ? 'passed' : `failed: ${markdownCell(record.check.end, 200)}`;
}
/**
 * When the loop did not complete, the output of a check that failed last: the first thing a person looks at. Shared
 * by the job summary and the issue.
 */
function failedCheck(outcome) {
    const check = outcome.lastCheck;
    if (!check || check.passed || outcome.status === 'completed')
        return [];
    return [
        '',
        '### Last check',
        '',
        `After iteration ${check.iteration}, ${markdownCode(check.command, 500)} failed (${markdownInline(check.end, 200)}).`,
        '',
        '<details><summary>The end of its output</summary>',
        '',
        ...codeBlock(check.output),
        '',
        '</details>',
    ];
}
/** A check that ran before later iterations changed files: its result is not the final work tree's. */
function staleCheckNote(outcome) {
    const check = outcome.lastCheck;
    if (!check?.stale)
        return undefined;
    return (`**Check:** stale. The last check ${check.passed ? 'passed' : 'failed'} after iteration ${check.iteration}, but ` +
        'the work tree changed after it (or may have: an iteration was stopped before it could be looked at), so the ' +
        'final work tree was not checked.');
}
/** Text in a fenced code block, which renders nothing inside it as Markdown or HTML. */
function codeBlock(text) {
    const fence = codeFence(text);
    return [fence, text, fence];
}
/** Under a subscription the CLI's cost is what the tokens would cost at API prices; the budget still acts on it. */
function subscriptionNote(outcome) {
    return outcome.subscription ? ' (an API-price equivalent under the subscription, not money spent)' : '';
}
function tokensText(outcome) {
    const { input, output, cacheRead, cacheCreation } = outcome.tokens;
    return `${input} input, ${output} output, ${cacheRead} cache read, ${cacheCreation} cache creation`;
}
function costText(usd, known) {
    if (known)
        return `$${formatCost(usd)}`;
    return `at least $${formatCost(usd)} (an iteration was stopped before the CLI reported its cost)`;
}
/** A continued loop: what its earlier runs did, and the whole loop's totals. */
function earlierRows(outcome) {
    const earlier = outcome.earlier;
    if (!earlier)
        return [];
    const total = totalCost(outcome);
    return [
        `| Continued | this is run ${earlier.runs + 1} of the loop; earlier runs: ${earlier.iterations} iterations, ${costText(earlier.costUsd, earlier.costKnown)} |`,
        `| Whole loop | ${totalIterations(outcome)} iterations, ${costText(total.usd, total.known)} |`,
    ];
}
/** The gate of an iteration; its blockers only when they differ from those of the gate before it. */
function gateCell(record, previous) {
    if (!record.gate)
        return 'no gate';
    const blockers = record.gate.blockers ?? [];
    const same = sameList(blockers, previous?.blockers);
    const listed = blockers.length === 0 ? '' : same ? ' (blockers unchanged)' : ` (blockers: ${blockers.join('; ')})`;
    return markdownCell(`${record.gate.ready ? 'ready' : 'not ready'}: ${record.gate.reason ?? ''}${listed}`, MAX_CELL);
}
/** Whether `b` holds the items of `a` in order; no list at all (no gate before, or one without blockers) never does. */
function sameList(a, b) {
    return b !== undefined && a.length === b.length && a.every((item, index) => item === b[index]);
}
function notesCell(record) {
    const denied = describeDenials(record.deniedTools);
    const notes = [
        record.subtype === 'error_max_turns' ? 'turn limit reached' : '',
        record.subtype === 'error_max_budget_usd' ? 'the CLI stopped at the budget' : '',
        denied ? `denied: ${denied}` : '',
        ...record.retryNotes.map((note) => `retry: ${note}`),
        record.error ? `error: ${record.error}` : '',
    ].filter((note) => note !== '');
    const cells = [];
    let length = 0;
    for (const note of notes) {
        const cell = markdownCell(note, MAX_CELL);
        if (length + cell.length > MAX_CELL && cells.length > 0) {
            cells.push(`… and ${notes.length - cells.length} more`);
            break;
        }
        cells.push(cell);
        length += cell.length;
    }
    return cells.join('<br>');
}
/** Drops iteration rows from the middle rather than the head when the summary would exceed GitHub's limit. */
function fitSummary(head, table) {
    // Never without rows: the first and last are kept, or the table goes.
    const join = (rows) => `${head}\n${[...table.before, ...rows, ...table.after].join('\n')}\n`;
    const { rows } = table;
    let text = join(rows);
    if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES)
        return text;
    let keep = rows.length;
    while (keep > 2) {
        keep = Math.floor(keep / 2);
        const firstHalf = Math.ceil(keep / 2);
        const kept = [
            ...rows.slice(0, firstHalf),
            `| … | ${rows.length - keep} iterations omitted to stay under GitHub's 1 MiB summary limit | | | | | | |`,
            ...rows.slice(rows.length - (keep - firstHalf)),
        ];
        text = join(kept);
        if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES)
            return text;
    }
    return truncateBytes(`${head}\n`, SUMMARY_LIMIT_BYTES);
}
function truncateBytes(text, limit) {
    const buffer = Buffer.from(text);
    if (buffer.length <= limit)
        return text;
    return `${buffer.subarray(0, limit - 64).toString('utf8')}\n\n… (truncated to stay under 1 MiB)\n`;
}

;// CONCATENATED MODULE: ./src/local/report.ts
/**
 * What the local command says about a loop: a line per iteration, the final line, how to continue, and the outputs as
 * one JSON object. The Markdown summary is report/summary.ts's, the action's own. The caller redacts; Claude's words
 * pass through `terminalText` here, before any colour is added.
 */







const MAX_LINE_REASON = 300;
/** Untrusted text for one line of a terminal. */
const shown = (text, max) => terminalText(shorten(oneLine(text), max));
/** E.g. "Iteration 2 of 10: changed files · $0.0123 · gate not ready: tests still fail". */
function iterationLine(record, maxIterations, paint) {
    const gate = record.gate;
    const verdict = gate === undefined
        ? paint('dim', 'no gate')
        : `${gate.ready ? paint('green', 'gate ready') : paint('yellow', 'gate not ready')}` +
            (gate.reason ? `: ${shown(gate.reason, MAX_LINE_REASON)}` : '');
    const parts = [
        record.changed ? 'changed files' : 'no changes',
        `${record.costKnown ? '' : 'at least '}$${formatCost(record.costUsd)}`,
        verdict,
    ];
    if (record.check)
        parts.push(`check ${record.check.passed ? 'passed' : 'failed'} (${shown(record.check.end, 200)})`);
    if (record.error)
        parts.push(paint('red', `error: ${shown(record.error, MAX_LINE_REASON)}`));
    return `${paint('bold', `Iteration ${record.number} of ${maxIterations}:`)} ${parts.join(' · ')}`;
}
/** The final line: status, iterations, cost, reason. */
function finalLine(outcome, paint) {
    const style = outcome.status === 'completed' ? 'green' : outcome.status === 'failed' ? 'red' : 'yellow';
    return (`${paint('bold', 'Autonomous loop:')} ${paint(style, outcome.status)} after ${outcome.iterations} of ` +
        `${outcome.maxIterations} iterations, ${outcome.costKnown ? '' : 'at least '}$${formatCost(outcome.costUsd)}: ` +
        shown(outcome.reason, LOG_TEXT));
}
/** How to go on with a loop that did not complete, in the flags' words; undefined when there is nothing to say. */
function continueHint(outcome) {
    if (outcome.status === 'usage_limited') {
        const until = outcome.resetsAt === undefined ? 'its reset (the CLI did not say when)' : isoTime(outcome.resetsAt);
        return outcome.stateSaved
            ? `The loop is paused by the usage limit until ${until}. Its state is saved in --state-dir: run ` +
                'autonomous-loop again with the same --state-dir after that time and it goes on where it stopped.'
            : `The loop is paused by the usage limit until ${until}. Run autonomous-loop again after that time (with ` +
                '--state-dir, a later run would continue this loop where it stopped).';
    }
    if (!outcome.stateSaved || outcome.status === 'completed')
        return undefined;
    return ("This loop's state and Claude's session are saved in --state-dir: run autonomous-loop again with the same " +
        '--state-dir and the loop goes on where it stopped, in the same conversation; a new --prompt is passed first.');
}
/** The Markdown summary the action writes as its job summary, with how to continue in the flags' words. */
function renderLocalSummary(outcome) {
    const hint = continueHint(outcome);
    return renderMarkdownSummary(outcome, { hint: hint === undefined ? undefined : `**To continue:** ${hint}` });
}
/** The action's outputs, with numbers as numbers and lists as lists. */
function localOutputs(outcome) {
    return {
        status: outcome.status,
        iterations: outcome.iterations,
        reason: outcome.reason,
        blockers: outcome.lastGate?.blockers ?? [],
        progress: outcome.lastGate?.progress ?? '',
        result: withoutFinalGate(outcome.resultText),
        'session-id': outcome.sessionId,
        resumed: outcome.earlier !== undefined,
        'total-iterations': totalIterations(outcome),
        'total-cost-usd': Number(formatCost(totalCost(outcome).usd)),
        'cost-usd': Number(formatCost(outcome.costUsd)),
        'cost-known': outcome.costKnown,
        tokens: tokenCounts(outcome.tokens),
        'resets-at': resetsAtText(outcome),
        turns: outcome.turns,
        'files-changed': outcome.filesChanged ?? null,
        'transcript-file': outcome.transcriptFile,
        check: checkState(outcome),
    };
}
/**
 * The outputs as one line of JSON. JSON escapes C0 controls but not DEL and C1 (U+009B is a terminal's CSI), nor the
 * line separators some readers split on: those are escaped too, and the JSON means the same.
 */
function outputsJson(outcome) {
    return JSON.stringify(localOutputs(outcome)).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

;// CONCATENATED MODULE: ./src/local/terminal.ts

/** Colour on a TTY only, never with NO_COLOR set (and not empty, as https://no-color.org has it), nor on a dumb one. */
function useColour(isTTY, env) {
    return isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}
const CODES = { bold: [1, 22], dim: [2, 22], green: [32, 39], yellow: [33, 39], red: [31, 39] };
function painter(colour) {
    return (style, text) => (colour ? `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m` : text);
}
/** The runner's log on a terminal. Groups become headings: a terminal has nothing to fold. */
function terminalLog(out) {
    const safe = (message) => terminalText(out.secrets.redact(message));
    return {
        text: (message) => {
            if (!out.quiet)
                out.line(safe(message));
        },
        warning: (message) => out.line(`${out.paint('yellow', 'warning:')} ${safe(message)}`),
        startGroup: (name) => {
            if (!out.quiet)
                out.line(out.paint('bold', `── ${safe(name)}`));
        },
        endGroup: () => undefined,
    };
}

;// CONCATENATED MODULE: ./src/local/work-tree.ts
/** The git work tree the loop runs in: the loop tells Claude's changes by git, so the command needs one. */

/** The top level of the work tree that holds `directory`; throws git's own words when there is none. */
function repositoryOf(directory, env) {
    try {
        return (0,external_node_child_process_.execFileSync)('git', ['rev-parse', '--show-toplevel'], {
            cwd: directory,
            env,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
        }).trim();
    }
    catch (error) {
        const stderr = String(error.stderr ?? '').trim();
        throw new Error(stderr || error.message);
    }
}

;// CONCATENATED MODULE: ./src/local/main.ts
/**
 * The terminal front end: reads the flags, checks the work tree, runs the loop with the terminal as its host, and
 * reports it (a line per iteration, the final line, `--json`, `--summary`). Returns the exit code.
 */

















async function main(argv, io) {
    let command;
    try {
        command = parseFlags(argv, { cwd: io.cwd, env: io.env, repositoryOf: repositoryOf });
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        io.stderr.write(`autonomous-loop: ${terminalText(error.message)}\nRun autonomous-loop --help for the flags.\n`);
        return EXIT_USAGE;
    }
    if (command.kind === 'help') {
        io.stdout.write(HELP);
        return EXIT_OK;
    }
    if (command.kind === 'version') {
        io.stdout.write(`${io.version}\n`);
        return EXIT_OK;
    }
    if (process.platform === 'win32') {
        io.stderr.write('autonomous-loop runs on Linux and macOS: on Windows it could not stop what Claude starts.\n');
        return EXIT_FAILED;
    }
    const { config, options, repository } = command;
    // With --json, stdout holds the JSON alone: everything for people goes to stderr.
    const human = options.json ? io.stderr : io.stdout;
    const paint = painter(useColour(human.isTTY, io.env));
    const secrets = new Secrets([
        io.env.ANTHROPIC_API_KEY,
        io.env.CLAUDE_CODE_OAUTH_TOKEN,
        io.env.ANTHROPIC_AUTH_TOKEN,
        ...cloudCredentialSecrets(io.env, (file) => (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8')),
    ]);
    const line = (text) => void human.write(`${text}\n`);
    const log = terminalLog({ line, secrets, paint, quiet: options.quiet });
    for (const warning of config.warnings)
        log.warning(warning);
    const cancel = new AbortController();
    const onSignal = (signal) => {
        if (cancel.signal.aborted) {
            // A second Ctrl-C: the user does not want to wait for the report.
            io.stderr.write(`Received ${signal} again: exiting without the report.\n`);
            // Claude, npm and the check run in groups of their own, which the terminal's Ctrl-C does not reach.
            (0,process_group/* killAllGroups */.g3)('SIGKILL');
            process.exit(EXIT_INTERRUPTED);
        }
        log.warning(`Received ${signal}: stopping Claude and reporting the loop as cancelled (Ctrl-C again to quit).`);
        cancel.abort(new Error(`interrupted (${signal})`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        const startedAt = Date.now();
        const loopOutcome = await runConfiguredLoop(config, {
            log,
            words: LOCAL_WORDS,
            toolCacheDir: localToolCacheDir(io.env, external_node_os_default().homedir()),
            privateToolCache: true,
            env: io.env,
            signal: cancel.signal,
            secrets,
            // A folder of this run's own (mode 0700): another user can neither read the transcript nor take its name.
            tempDir: (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(external_node_os_default().tmpdir(), 'autonomous-loop-')),
            runId: `local-${startedAt}-${process.pid}`,
            // A saved loop (--state-dir) is this repository's and this folder's in it.
            identity: { repository, workingDirectory: external_node_path_default().relative(repository, realPath(config.workingDirectory)) || '.' },
            startedAt,
            describe: describeForTerminal,
            onIterationEnded: (record) => line(iterationLine(secrets.redactDeep(record), config.maxIterations, paint)),
        });
        const outcome = secrets.redactDeep(loopOutcome);
        report(outcome, options, { line, paint, log, stdout: io.stdout });
        return exitCodeFor(outcome.status, options.failOn, cancel.signal.aborted);
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}
/** After the loop: the final line, how to continue, the summary file, the JSON. The outcome is redacted. */
function report(outcome, options, out) {
    out.line(finalLine(outcome, out.paint));
    const hint = continueHint(outcome);
    if (hint !== undefined)
        out.line(`${out.paint('bold', 'To continue:')} ${hint}`);
    if (options.summaryFile !== undefined) {
        try {
            (0,external_node_fs_namespaceObject.writeFileSync)(options.summaryFile, renderLocalSummary(outcome));
            out.line(`Summary written to ${terminalText(options.summaryFile)}`);
        }
        catch (error) {
            // The loop has run: its outcome still decides the exit code.
            out.log.warning(`--summary: could not write ${options.summaryFile}: ${error.message}`);
        }
    }
    if (options.json)
        out.stdout.write(`${outputsJson(outcome)}\n`);
}


/***/ }),

/***/ 815:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
/** package.json's version, for --version (a test keeps the two equal; the bundle carries no package.json). */
const VERSION = '1.0.0';


/***/ }),

/***/ 30:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $X: () => (/* binding */ killProcessGroup),
/* harmony export */   g3: () => (/* binding */ killAllGroups),
/* harmony export */   mB: () => (/* binding */ runProgram),
/* harmony export */   uU: () => (/* binding */ trackProcessGroup)
/* harmony export */ });
/* unused harmony export liveProcessGroups */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_1__);
/**
 * Runs a program without a shell in its own process group, so that stopping it also stops everything it started
 * (npm's install scripts, a test runner's workers); keeps the live groups, for a hard exit to kill. The program ends
 * as a `run:` step does: what it left behind gets a short grace for its output, then the group is killed. On abort or
 * time-out the group gets SIGTERM, then SIGKILL after a grace period. Never rejects: the caller decides each end.
 */


const OUTPUT_LIMIT = 64 * 1024;
/** The end of an output, from the start of a line: a cut in mid-line could leave half a secret, unrecognisable. */
function keepEnd(text) {
    if (text.length <= OUTPUT_LIMIT)
        return text;
    const end = text.slice(-OUTPUT_LIMIT);
    const lineStart = end.indexOf('\n');
    return lineStart >= 0 ? end.slice(lineStart + 1) : end;
}
/** Sends `signal` to the process group led by `pid`; a group that is gone already is fine. */
function killProcessGroup(pid, signal) {
    if (pid === undefined)
        return;
    try {
        process.kill(-pid, signal);
    }
    catch {
        // The group is gone already.
    }
}
/**
 * The groups started and not yet killed at their end. A group of its own never gets the terminal's Ctrl-C: a process
 * that exits without killing them leaves Claude and its tools running with no parent.
 */
const liveGroups = new Set();
/** Records the group led by `pid` as live; call the function returned once the group has been killed at its end. */
function trackProcessGroup(pid) {
    if (pid === undefined)
        return () => undefined;
    liveGroups.add(pid);
    return () => void liveGroups.delete(pid);
}
function liveProcessGroups() {
    return [...liveGroups];
}
/** Sends `signal` to every live group, synchronously: a hard exit (and the process's 'exit' event) cannot wait. */
function killAllGroups(signal) {
    for (const pid of liveGroups)
        killProcessGroup(pid, signal);
}
function runProgram(command, args, options) {
    const started = Date.now();
    const { signal } = options;
    return new Promise((resolve) => {
        const result = (fields) => ({
            exitCode: null,
            exitSignal: null,
            stopped: undefined,
            spawnError: undefined,
            stdout,
            stderr,
            durationMs: Date.now() - started,
            ...fields,
        });
        let stdout = '';
        let stderr = '';
        if (signal?.aborted)
            return resolve(result({ stopped: 'cancelled' }));
        const stdoutDecoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_1__.StringDecoder('utf8');
        const stderrDecoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_1__.StringDecoder('utf8');
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, {
            env: options.env,
            cwd: options.cwd,
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        const forgetGroup = trackProcessGroup(child.pid);
        child.stdout.on('data', (chunk) => {
            stdout = keepEnd(stdout + stdoutDecoder.write(chunk));
            options.onOutput?.(chunk);
        });
        child.stderr.on('data', (chunk) => {
            stderr = keepEnd(stderr + stderrDecoder.write(chunk));
            options.onOutput?.(chunk);
        });
        let stopping;
        let killTimer;
        let outputTimer;
        let settled = false;
        const cleanUp = () => {
            signal?.removeEventListener('abort', onAbort);
            clearTimeout(timeout);
            clearTimeout(killTimer);
            clearTimeout(outputTimer);
            forgetGroup();
        };
        const finishStopped = () => {
            settled = true;
            // Whatever the program left behind must not outlive it.
            killProcessGroup(child.pid, 'SIGKILL');
            child.stdout.destroy();
            child.stderr.destroy();
            cleanUp();
            resolve(result({ exitCode: child.exitCode, exitSignal: child.signalCode, stopped: stopping }));
        };
        const finishExited = () => {
            if (settled)
                return;
            settled = true;
            // Whatever the program left behind (a server started with `&`) must not outlive it.
            killProcessGroup(child.pid, 'SIGKILL');
            child.stdout.destroy();
            child.stderr.destroy();
            cleanUp();
            resolve(result({ exitCode: child.exitCode, exitSignal: child.signalCode }));
        };
        const stop = (why) => {
            if (stopping !== undefined)
                return;
            stopping = why;
            // Exited, and only its output's grace was left: a cancellation stops that; a time-out came too late to count.
            if (child.exitCode !== null || child.signalCode !== null) {
                return why === 'cancelled' ? finishStopped() : finishExited();
            }
            killProcessGroup(child.pid, 'SIGTERM');
            killTimer = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 1_000);
        };
        const onAbort = () => stop('cancelled');
        signal?.addEventListener('abort', onAbort, { once: true });
        const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timedOut'), options.timeoutMs);
        child.on('error', (error) => {
            settled = true;
            cleanUp();
            resolve(result({ spawnError: { code: error.code, message: error.message } }));
        });
        // On a stop, 'exit' rather than 'close': the program's children may hold its output pipes open. Otherwise the
        // program's end is its end: a background process holding the output gets a moment to finish writing, no more.
        child.on('exit', () => {
            if (stopping !== undefined)
                finishStopped();
            else
                outputTimer = setTimeout(finishExited, options.outputGraceMs ?? 2_000);
        });
        child.on('close', () => {
            if (stopping === undefined)
                finishExited();
        });
    });
}


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(695);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
