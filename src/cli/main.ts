import { Command } from 'commander';
import { registerAppCommand } from './commands/app.ts';
import { registerClientCommands } from './commands/client.ts';
import { registerDevnetCommand } from './commands/devnet.ts';
import { registerNodeCommand } from './commands/node.ts';
import { packageVersion } from './version.ts';

/** Builds the `yournet` command line. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('yournet')
    .description('YourNet: a proof-of-work blockchain for decentralized content sharing')
    .version(packageVersion(), '-V, --version', 'print the version');
  registerNodeCommand(program);
  registerClientCommands(program);
  registerAppCommand(program);
  registerDevnetCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    console.error(`yournet: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
