/**
 * Lists as the inputs and the local flags take them: tool names and patterns, and sandbox host names. Pure: a
 * front end wraps a `ListError` in its own words (an input's name, or a flag's).
 */

export class ListError extends Error {
  override name = 'ListError';
}

/**
 * Tool names and patterns separated by commas or any whitespace, as a YAML block puts them one a line. The CLI
 * splits a value on commas and spaces only (a newline glues two names into one unknown name, and a disallowed tool
 * stays allowed), and never inside parentheses: `Bash(npm test:*)` is one item. A backslash escapes the next
 * character, as in the CLI. An unbalanced parenthesis would swallow the rest of the list, so it is an error.
 */
export function splitToolList(text: string): string[] {
  const items: string[] = [];
  let item = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (item !== '') items.push(item);
      item = '';
      continue;
    }
    if (ch === '\\') {
      item += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) throw new ListError(`")" without a "(" in "${item})".`);
    item += ch;
  }
  if (depth > 0) throw new ListError(`"(" is never closed in "${item}".`);
  if (item !== '') items.push(item);
  return items;
}

/** Comma-, space- or newline-separated items. */
export function splitList(text: string): string[] {
  return text.split(/[,\s]/).filter((item) => item !== '');
}

/** A host name for the sandbox's network filter; `*.example.com` takes its subdomains. No scheme, port or path. */
export function isHostPattern(host: string): boolean {
  return /^(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host);
}
