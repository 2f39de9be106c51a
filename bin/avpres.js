#!/usr/bin/env node
import { main } from '@avpres/cli';
process.exitCode = await main(process.argv.slice(2));
