# ocroute service image. re2 and better-sqlite3 build from source (python3, make, g++).
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && node -e "require('re2')"
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
EXPOSE 8080 5060/udp 5060/tcp
CMD ["node", "bin/ocroute.js", "serve", "--settings", "deploy/ocroute.compose.yaml"]
