#!/usr/bin/env node
import { main } from '@avpres/cli';
process.exitCode = await main(['seq2ffv1', ...process.argv.slice(2)]);
