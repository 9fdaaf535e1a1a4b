# DataDrivenDota image: a build stage compiles the TypeScript; the runtime stage holds dist/ and production
# dependencies only, runs as the unprivileged `node` user, and starts one role (`ddd start --role …`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY bin bin
# The shipped Valve captures: `ddd replay` and `ddd demo` serve them; the service itself never reads them.
COPY json_files json_files
USER node
EXPOSE 8080
# Liveness only; orchestrators that route traffic should also poll /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HTTP_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/ddd.js"]
CMD ["start", "--role", "all"]
