#!/usr/bin/env node
import { main } from '@avpres/cli';
process.exitCode = await main(['normalise', ...process.argv.slice(2)]);
