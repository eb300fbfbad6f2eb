# One image per service, built from the monorepo: docker build --build-arg SERVICE=gateway -t kasho/gateway .
# Node.js 24 LTS, as everywhere else in the project (docs/adr/0001-runtime-and-toolchain.md).
FROM node:24-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
COPY libs libs
COPY services services
COPY tsconfig.base.json tsconfig.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npx tsc -b tsconfig.json

FROM node:24-bookworm-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /repo/package.json /repo/package-lock.json /repo/.npmrc ./
COPY --from=build /repo/libs libs
COPY --from=build /repo/services services
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force
USER node
EXPOSE 3000
CMD ["sh", "-c", "exec node --enable-source-maps services/${SERVICE}/dist/main.js"]
