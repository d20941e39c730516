import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { JOB_FOLDERS } from '@app/job-events';
import { loadApiConfig } from '../../apps/api/src/config/api.config';
import { loadWorkerConfig } from '../../apps/worker/src/config/worker.config';
import { REPO_ROOT } from '../support/node-process';

interface ContainerDefinition {
  image: string;
  command: string[];
  stopTimeout: number;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
}

interface LifecycleRule {
  ID: string;
  Status: string;
  Filter: { Prefix: string };
  Expiration?: { Days: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
}

interface TaskDefinition {
  taskRoleArn: string;
  requiresCompatibilities: string[];
  containerDefinitions: ContainerDefinition[];
}

const read = (path: string) => readFileSync(resolve(REPO_ROOT, path), 'utf8');
const taskDefinition = (name: string) => JSON.parse(read(`ecs/${name}.task-definition.json`)) as TaskDefinition;
const SECRET_NAMES = ['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'SENTRY_DSN', 'SESSION_SECRET'];
/** What the deploy pipeline puts in for `${CORS_ORIGINS}`: the web app's origins. */
const CORS_ORIGINS = 'https://app.graphnode.dev,https://staging.graphnode.dev';

/** The environment ECS would give the container, with secrets and placeholders filled by plausible values. */
function containerEnvironment(container: ContainerDefinition): Record<string, string> {
  const fill = (value: string) =>
    value
      .replace('${AWS_REGION}', 'eu-west-1')
      .replace('${AWS_ACCOUNT_ID}', '123456789012')
      .replace('${ENVIRONMENT}', 'prod')
      .replace('${CORS_ORIGINS}', CORS_ORIGINS);
  const env = Object.fromEntries(container.environment.map(({ name, value }) => [name, fill(fill(value))]));
  const secretValues: Record<string, string> = {
    JWT_SECRET: 'x'.repeat(48),
    DATABASE_URL: 'postgres://app@db.internal:5432/graphnode',
    REDIS_URL: 'rediss://cache.internal:6379',
    SENTRY_DSN: 'https://key@o1.ingest.sentry.io/1',
    SESSION_SECRET: 'y'.repeat(48),
  };
  for (const secret of container.secrets) env[secret.name] = secretValues[secret.name];
  return env;
}

describe('deployment files', () => {
  describe.each([
    ['api', loadApiConfig],
    ['worker', loadWorkerConfig],
  ] as const)('ecs/%s.task-definition.json', (name, load) => {
    const definition = taskDefinition(name);
    const [container] = definition.containerDefinitions;

    it('runs on Fargate with a task role and no AWS keys in the environment', () => {
      expect(definition.requiresCompatibilities).toEqual(['FARGATE']);
      expect(definition.taskRoleArn).toMatch(/^arn:aws:iam::/);
      const names = container.environment.map((entry) => entry.name);
      expect(names).not.toContain('AWS_ACCESS_KEY_ID');
      expect(names).not.toContain('AWS_SECRET_ACCESS_KEY');
    });

    it('takes every secret from Secrets Manager and none as a plain value', () => {
      for (const secret of container.secrets) expect(secret.valueFrom).toMatch(/^arn:aws:secretsmanager:/);
      const plain = container.environment.map((entry) => entry.name);
      for (const secret of SECRET_NAMES) expect(plain).not.toContain(secret);
    });

    it('gives the process a configuration it accepts at boot', () => {
      const config = load(containerEnvironment(container));
      expect(config.aws.AWS_ACCESS_KEY_ID).toBeUndefined();
      expect(config.database.DATABASE_URL).toBeDefined();
      expect(config.runtime.REDIS_URL).toBeDefined();
    });

    it('lets the drain finish before ECS kills the task', () => {
      const config = load(containerEnvironment(container));
      expect(container.stopTimeout * 1000).toBeGreaterThan(config.runtime.SHUTDOWN_TIMEOUT_MS);
    });

    it('starts the compiled entry point of its app from the shared image', () => {
      expect(container.image).toContain('/graphnode:');
      expect(container.command.slice(0, 1)).toEqual(['node']);
      expect(container.command[1]).toBe(`dist/apps/${name}/apps/${name}/src/main.js`);
      expect(existsSync(resolve(REPO_ROOT, 'apps', name, 'src/main.ts'))).toBe(true);
    });
  });

  describe('ecs/api.task-definition.json, for the web client', () => {
    const [container] = taskDefinition('api').containerDefinitions;

    it('takes the login service\'s cookie secret from Secrets Manager and the web origins from the pipeline', () => {
      expect(container.secrets.find((secret) => secret.name === 'SESSION_SECRET')?.valueFrom).toMatch(
        /^arn:aws:secretsmanager:\$\{AWS_REGION\}:\$\{AWS_ACCOUNT_ID\}:secret:graphnode\/\$\{ENVIRONMENT\}\/session-secret$/,
      );
      expect(container.environment).toContainEqual({ name: 'CORS_ORIGINS', value: '${CORS_ORIGINS}' });
      const config = loadApiConfig(containerEnvironment(container));
      expect(config.api.SESSION_SECRET).toBe('y'.repeat(48));
      expect(config.api.CORS_ORIGINS).toBe(CORS_ORIGINS);
    });
  });

  describe('ecs/s3-lifecycle.json, the payload bucket\'s backstop', () => {
    const { Rules: rules } = JSON.parse(read('ecs/s3-lifecycle.json')) as { Rules: LifecycleRule[] };
    const expiring = rules.filter((rule) => rule.Expiration);

    it('expires objects under exactly the job folders of JOB_KIND_SPECS, and nothing else', () => {
      expect(expiring.map((rule) => rule.Filter.Prefix).sort()).toEqual([...JOB_FOLDERS].sort());
      for (const rule of rules) expect(rule.Status).toBe('Enabled');
      expect(new Set(rules.map((rule) => rule.ID)).size).toBe(rules.length);
    });

    it('keeps a job\'s files past its longest life and the worker\'s own retention', () => {
      const { worker } = loadWorkerConfig(containerEnvironment(taskDefinition('worker').containerDefinitions[0]));
      const days = new Set(expiring.map((rule) => rule.Expiration?.Days));
      expect(days.size).toBe(1);
      const [expireDays] = [...days] as number[];
      // A job may run up to the largest JOB_TIMEOUT_SECONDS (7 days) between two progress reports.
      expect(expireDays * 86400).toBeGreaterThan(7 * 86400 + worker.WORKER_JOB_FILES_RETENTION_SECONDS);
      expect(expireDays * 86400).toBeGreaterThan(worker.JOB_TIMEOUT_SECONDS + worker.WORKER_JOB_FILES_RETENTION_SECONDS);
    });

    it('aborts incomplete multipart uploads after a day, bucket-wide', () => {
      const aborting = rules.filter((rule) => rule.AbortIncompleteMultipartUpload);
      expect(aborting).toEqual([expect.objectContaining({ Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]);
      expect(aborting[0].Expiration).toBeUndefined();
    });

    it('is described in ecs/README.md', () => {
      expect(read('ecs/README.md')).toContain('s3-lifecycle.json');
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('Dockerfile');

    it('builds both apps on Node 24 and runs as a non-root user', () => {
      expect(dockerfile).toMatch(/^FROM node:24/m);
      expect(dockerfile).toContain('npm ci');
      expect(dockerfile).toMatch(/nest build api/);
      expect(dockerfile).toMatch(/nest build worker/);
      expect(dockerfile).toMatch(/^USER node$/m);
    });

    it('ships the migrations and starts node directly so SIGTERM reaches it', () => {
      expect(dockerfile).toMatch(/COPY .*drizzle \.\/drizzle/);
      expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/apps\/api\/src\/main\.js"\]$/m);
    });

    it('keeps local state and secrets out of the build context', () => {
      const ignored = read('.dockerignore').split('\n');
      for (const entry of ['node_modules', '.tools', '.local', '.env']) expect(ignored).toContain(entry);
    });
  });
});
