#!/usr/bin/env node
// The CLI runs from the compiled tree: `npm ci` builds it (the `prepare` script).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
