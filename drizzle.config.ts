import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -- --name <change>` writes the next SQL migration into ./drizzle.
export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/database/src/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
