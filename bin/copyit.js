#!/usr/bin/env node
import { main } from '@avpres/cli';
process.exitCode = await main(['copyit', ...process.argv.slice(2)]);
