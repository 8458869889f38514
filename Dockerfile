# One image for every service; docker-compose picks the service with its command.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY tests/package.json ./tests/package.json
# tsx (a dev dependency) runs the services from their TypeScript sources, so dev dependencies stay.
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY scripts ./scripts
ENV NODE_ENV=production
USER node
EXPOSE 50051 50052 50053
CMD ["npm", "run", "start:registry"]
