// CI check of docker-compose.yml without a Docker engine: `docker compose config` resolves it, then every
// service's role and environment variable must be one the service knows.
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { SERVICE_ROLES } from '../src/bin/service-roles.js';
import { configSchema } from '../src/config.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
}

/** The v2 plugin when installed, else Debian's docker-compose (v1.29); both resolve and validate the file. */
function resolvedCompose(): string {
  try {
    return execFileSync('docker', ['compose', 'config'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return execFileSync('docker-compose', ['config'], { encoding: 'utf8' });
  }
}

const compose = parse(resolvedCompose()) as { services: Record<string, ComposeService> };
const knownKeys = new Set(Object.keys(configSchema.shape));
const problems: string[] = [];
const roles: string[] = [];
for (const [name, service] of Object.entries(compose.services)) {
  if (name === 'postgres') continue;
  const command = service.command ?? [];
  const role = command[command.indexOf('--role') + 1];
  if (command[0] === 'start') {
    if (!role || !(SERVICE_ROLES as string[]).includes(role)) problems.push(`${name}: unknown role ${role}`);
    else roles.push(role);
  } else if (command[0] !== 'migrate') problems.push(`${name}: runs neither start nor migrate`);
  for (const key of Object.keys(service.environment ?? {}))
    if (!knownKeys.has(key)) problems.push(`${name}: ${key} is not a configuration key`);
}
for (const needed of ['worker', 'web'])
  if (!roles.includes(needed)) problems.push(`no service runs the ${needed} role`);

if (problems.length > 0) {
  console.error(`docker-compose.yml: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `docker-compose.yml resolves: services ${Object.keys(compose.services).join(', ')}; roles ${roles.join(', ')}`,
);
