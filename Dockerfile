# rechain container image.
#
#   docker build -t rechain:dev .                 (or: podman build -t rechain:dev .)
#   docker run --rm rechain:dev                   prints the usage (CMD is --help)
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD/etc:/etc/rechain:ro" -p 8443:8443 -p 9090:9090 \
#     rechain:dev serve --config /etc/rechain/rechain.yaml
#
# The runtime image runs as uid/gid 1000 (numeric, so Kubernetes can verify runAsNonRoot), writes
# nothing outside /tmp and works with a read-only root filesystem (mount a tmpfs or emptyDir on
# /tmp). test/e2e/container-image.test.ts replays both stages on the host and fails on a RUN step
# it does not know: keep COPY and RUN in the simple forms it understands, or teach it new ones.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dev dependencies, TypeScript compile -------------------------------------------
FROM ${NODE_IMAGE} AS build
# Building behind a TLS-intercepting proxy: pass its CA file to npm in the RUN steps, e.g.
#   podman build -v /etc/ssl/certs/ca-certificates.crt:/run/build-ca.crt:ro \
#     --build-arg NODE_EXTRA_CA_CERTS=/run/build-ca.crt .
# Empty (the default) means Node's own roots. Build arguments are not kept in the image's env.
ARG NODE_EXTRA_CA_CERTS=
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script runs the build, and the sources are not here
# yet (copying them after `npm ci` keeps the dependency layer cached across source changes).
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

# ---- runtime: production dependencies, compiled output, non-root ------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG NODE_EXTRA_CA_CERTS=

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="rechain" \
      org.opencontainers.image.description="TLS-terminating proxy that computes the certificate chain it serves from a trust policy" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"

# The slim image ships no CA bundle; `system` trust sources (the default trust store of
# `rechain serve` without --trust) read /etc/ssl/certs/ca-certificates.crt.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && rm -rf /root/.npm
COPY --from=build /src/dist ./dist
COPY --from=build /src/config ./config
# bin of package.json; main.js starts with `#!/usr/bin/env node`, and Node resolves the symlink
# to /app/dist/... so /app/node_modules is found.
RUN chmod 0755 /app/dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/rechain

# uid/gid 1000 is the `node` user of the base image.
USER 1000:1000
EXPOSE 9090
# Needs the admin listener on port 9090 (`admin: {listen: 0.0.0.0:9090}` or `--admin`).
# Kubernetes ignores HEALTHCHECK and uses the probes in deploy/kubernetes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["rechain"]
CMD ["--help"]
