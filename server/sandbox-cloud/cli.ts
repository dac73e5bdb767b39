// `npm run sandbox -- --port 4600`: the sandbox cloud on its own, for the console, tests and Packer.
import { parseArgs } from 'node:util';
import { DEFAULT_ACCOUNTS, parseAccounts } from './accounts';
import { startSandboxCloud } from './server';

const HELP = `Usage: npm run sandbox -- [options]
  --port N              HTTP port (default 4600)
  --ssh-port N          SSH port of every host, on its own loopback address (default 2222)
  --profile P           fast (default) | realistic   lifecycle durations
  --time-scale X        multiply every duration (default 1)
  --state FILE          load and save the world there (default: memory only)
  --ucloud-account K    publicKey:privateKey[:projectId], repeatable (env SANDBOX_UCLOUD_ACCOUNTS, comma-separated)
  --aws-account K       accessKeyId:secretAccessKey[:ownerId], repeatable (env SANDBOX_AWS_ACCOUNTS)
  --no-default-accounts do not create the default sandbox accounts
  --seed N              random seed (jitter, faults)`;

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4600' },
      'ssh-port': { type: 'string', default: '2222' },
      profile: { type: 'string', default: 'fast' },
      'time-scale': { type: 'string', default: '1' },
      state: { type: 'string' },
      'ucloud-account': { type: 'string', multiple: true, default: [] },
      'aws-account': { type: 'string', multiple: true, default: [] },
      'no-default-accounts': { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const split = (v?: string) => (v ? v.split(',').filter(Boolean) : []);
  const extra = parseAccounts(
    [...values['ucloud-account'], ...split(process.env.SANDBOX_UCLOUD_ACCOUNTS)],
    [...values['aws-account'], ...split(process.env.SANDBOX_AWS_ACCOUNTS)],
  );
  const profile = values.profile === 'realistic' ? 'realistic' : 'fast';
  const sandbox = await startSandboxCloud({
    port: Number(values.port),
    sshPort: Number(values['ssh-port']),
    timeProfile: profile,
    timeScale: Number(values['time-scale']),
    stateFile: values.state,
    seed: Number(values.seed),
    accounts: [...(values['no-default-accounts'] ? [] : DEFAULT_ACCOUNTS), ...extra],
  });
  const lines = [
    `Sandbox cloud listening (${profile} time profile, scale ${values['time-scale']}${values.state ? `, state in ${values.state}` : ''})`,
    `  UCloud API:  ${sandbox.url}/ucloud`,
    `  EC2 API:     ${sandbox.url}/ec2   (region from the SigV4 scope)`,
    `  Resources:   ${sandbox.url}/_sandbox/resources    Faults: POST ${sandbox.url}/_sandbox/faults`,
    `  SSH:         each host on its own 127.x.y.z address, port ${sandbox.world.sshPort}`,
    'Accounts:',
    ...sandbox.world.accounts.map((a) =>
      a.cloud === 'ucloud'
        ? `  ucloud  public key ${a.publicKey}  private key ${a.privateKey}  project ${a.projects[0]?.id}`
        : `  aws     access key ${a.accessKeyId}  secret ${a.secretAccessKey}  owner ${a.id}`,
    ),
    `Regions: ${sandbox.world.regions('ucloud').length} UCloud, ${sandbox.world.regions('aws').length} AWS`,
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
