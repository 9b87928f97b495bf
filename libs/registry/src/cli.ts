#!/usr/bin/env node
// nest-registry: the operators' command-line tool (DESIGN §10). See docs/permanent.md.
import { errorText } from './registry.messages.js';
import { RegistryOptionsError } from './errors/registry.error.js';
import { backendFromUrl } from './cli/cli-backend.js';
import { OperationError, runCommand } from './cli/cli-commands.js';
import { printer } from './cli/cli-output.js';
import { parseCli, USAGE, UsageError } from './cli/cli-usage.js';

/** Runs the tool with `argv` and `env`; resolves the exit code (0 success, 1 operation failed, 2 usage error). @internal */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let backend;
  try {
    const args = parseCli(argv);
    if (args.flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const url = args.flags.registry ?? env.NEST_REGISTRY_URL;
    if (!url) throw new UsageError('--registry URL (or NEST_REGISTRY_URL) is required');
    if (!args.command) throw new UsageError('no command given');
    const factory = await backendFromUrl(url, {
      username: args.flags.username ?? env.NEST_REGISTRY_USERNAME,
      password: args.flags.password ?? env.NEST_REGISTRY_PASSWORD,
      ca: args.flags.ca ?? env.NEST_REGISTRY_CA_FILE,
      cert: args.flags.cert ?? env.NEST_REGISTRY_CERT_FILE,
      key: args.flags.key ?? env.NEST_REGISTRY_KEY_FILE,
    });
    factory.validate();
    backend = factory.create({ requestTimeout: 5_000 });
    const interrupted = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await runCommand(
      { backend, factory, namespace: args.flags.namespace ?? 'rpc', out: printer(args.flags.json ?? false), interrupted },
      args,
    );
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof RegistryOptionsError;
    const ours = error instanceof UsageError || error instanceof OperationError; // our own words: shown whole
    process.stderr.write(`nest-registry: ${ours ? error.message : errorText(error)}\n`);
    if (usage) process.stderr.write('Run nest-registry --help for the usage.\n');
    return usage ? 2 : 1;
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);
