#!/usr/bin/env node
// The CLI runs from the compiled tree: `npm ci` builds it (the `prepare` script).
import { main } from "../dist/cli/main.js";

// `cairn host ls | head -1`: the reader left; that is not an error of ours.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
