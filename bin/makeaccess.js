#!/usr/bin/env node
// The name archivists know from other toolboxes; the same command as `avpres access`.
import { main } from '@avpres/cli';
process.exitCode = await main(['access', ...process.argv.slice(2)]);
