#!/usr/bin/env node
import { main } from '@avpres/cli';
process.exitCode = await main(['access', ...process.argv.slice(2)]);
