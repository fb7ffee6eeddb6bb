/** package.json's version, for --version (a test keeps the two equal; the bundle carries no package.json). */
export const VERSION = '1.0.0';
