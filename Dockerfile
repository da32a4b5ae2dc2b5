# lgsp-connect: one image for every role (API, sync worker, scheduler, relay, webhook dispatcher, all-in-one).
# Built JavaScript runs with production dependencies only (no tsx, no TypeScript at run time).
#   docker build -t lgsp-connect .
#   docker run --rm lgsp-connect node dist/src/cli/main.js --help

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, and the sources are not copied yet (the build is the step below).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/
COPY config config
COPY src src
COPY workers workers
COPY connectors connectors
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LGSP_API_HOST=0.0.0.0 \
    LGSP_INBOX_ROOT=/var/lib/lgsp/inbox \
    LGSP_ADMIN_UNITS_DIR=/var/lib/lgsp/admin-units
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
# Reference tables read at run time (project root = the folder with package.json and config/).
COPY config config
# The image's own user "node" (uid 1000), never root; the inbox is the only place the app writes.
RUN mkdir -p /var/lib/lgsp/inbox /var/lib/lgsp/admin-units && chown -R node:node /var/lib/lgsp
USER node
EXPOSE 8080
# The all-in-one process by default; docker-compose.yml runs one role per service.
CMD ["node", "dist/src/cli/main.js", "serve", "--all"]
