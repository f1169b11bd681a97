/**
 * A bench setting (an environment variable) that makes no sense: `npm run
 * bench` says so in one line and exits 2, as for a bad argument, instead
 * of printing a stack.
 */
export class BadSetting extends Error {}
