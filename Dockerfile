# One image for both ECS services; the task definition's command picks the process:
#   api:    node dist/apps/api/apps/api/src/main.js        (the default)
#   worker: node dist/apps/worker/apps/worker/src/main.js
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npx nest build api && npx nest build worker && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node drizzle ./drizzle
USER node
EXPOSE 3000
# Exec form: node is PID 1 and receives SIGTERM from ECS directly.
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
