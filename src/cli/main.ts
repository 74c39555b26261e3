import { Command } from 'commander';
import { packageVersion } from './version.ts';

/** Builds the `yournet` command line. Subcommands register themselves here as they arrive. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('yournet')
    .description('YourNet: a proof-of-work blockchain for decentralized content sharing')
    .version(packageVersion(), '-V, --version', 'print the version');
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
