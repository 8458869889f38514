# One image for every service and the web console; docker-compose picks one with its command.
FROM node:20-bookworm-slim
# python3 runs python_script and jupyter_notebook steps; bubblewrap, slirp4netns and iproute2 are the
# sandbox every step process runs in (docs/sandbox.md); the container needs the security options
# docker-compose.yml gives the executor.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
     bubblewrap slirp4netns iproute2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY console/package.json ./console/package.json
COPY tests/package.json ./tests/package.json
# tsx (a dev dependency) runs the services from their TypeScript sources, so dev dependencies stay.
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY scripts ./scripts
# The web console is built here (console/dist); `npm run start:console` serves it.
COPY console ./console
RUN npm run build -w console
ENV NODE_ENV=production
USER node
EXPOSE 50051 50052 50053 8080
CMD ["npm", "run", "start:registry"]
