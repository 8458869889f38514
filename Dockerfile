# The platform's image: every service, the migration job, the console and the CLI, compiled.
# docker build -t mcp-platform:local .   (docs/deploy.md; docker-compose.yml builds it once for all)

# ---- build: every dependency, then `npm run build` (dist/*.cjs and console/dist) ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY console ./console
COPY tests/package.json ./tests/package.json
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY third_party ./third_party
COPY scripts ./scripts
RUN npm run build \
  && mkdir -p /manifests \
  && find libs services cli console tests -maxdepth 2 -name package.json -exec cp --parents {} /manifests \;

# ---- runtime: compiled JavaScript and production dependencies only ----
FROM node:20-bookworm-slim
# python3 runs python_script and jupyter_notebook steps; bubblewrap, slirp4netns and iproute2 are the
# sandbox every step process runs in (docs/sandbox.md; the container needs the security options that
# docker-compose.yml and deploy/k8s give the executor). tini is PID 1: it passes one SIGTERM to node,
# which drains and exits, and reaps what step processes leave behind.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates tini \
     bubblewrap slirp4netns iproute2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NX_DAEMON=false NX_NO_CLOUD=true
# The workspaces' manifests only (their code is in the bundles), so that `npm ci` resolves the same
# lockfile; then production dependencies only.
COPY package.json package-lock.json .npmrc ./
COPY --from=build /manifests ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 50051 50052 50053 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
# The services run with 64 MB young-generation semi-spaces (V8's default is 16; docs/adr/033), as
# docker-compose.yml and deploy/k8s start them.
CMD ["node", "--max-semi-space-size=64", "dist/registry.cjs"]
