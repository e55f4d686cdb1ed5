# syntax=docker/dockerfile:1
#
# Prognos images, one Dockerfile with three targets:
#   docker build --target http       -t prognos-http .        # CDS Hooks HTTP service (port 8080)
#   docker build --target scorer     -t prognos-scorer .      # scorer worker, CPU (metrics on 9464)
#   docker build --target scorer-gpu -t prognos-scorer-gpu .  # scorer worker with the CUDA 12 provider
# Runtime stages hold production dependencies only (npm ci --omit=dev) and run as the non-root
# `node` user. onnxruntime-node's install script only downloads the CUDA provider from nuget (the
# CPU binaries ship in its npm tarball): it is skipped everywhere except in the GPU target.

ARG NODE_IMAGE=node:20.19-bookworm-slim

# ---- build: all dependencies, TypeScript project build -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/fhir-features/package.json libs/fhir-features/
COPY services/scorer/package.json services/scorer/
COPY services/cds-hooks/package.json services/cds-hooks/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs libs
COPY services services
# Only the shipped projects (the root tsconfig also references the test project).
RUN npx tsc -b libs/contracts libs/fhir-features services/scorer services/cds-hooks

# ---- production dependencies (shared by the runtime targets) ---------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/fhir-features/package.json libs/fhir-features/
COPY services/scorer/package.json services/scorer/
COPY services/cds-hooks/package.json services/cds-hooks/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- common runtime layout --------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps --chown=node:node /app /app
COPY --from=build --chown=node:node /app/libs/contracts/dist libs/contracts/dist
COPY --from=build --chown=node:node /app/libs/fhir-features/dist libs/fhir-features/dist
COPY --from=build --chown=node:node /app/services/scorer/dist services/scorer/dist
COPY --from=build --chown=node:node /app/services/scorer/models services/scorer/models
COPY --from=build --chown=node:node /app/services/cds-hooks/dist services/cds-hooks/dist
# The dashboard page and its scripts (Chart.js itself comes from node_modules).
COPY --from=build --chown=node:node /app/services/cds-hooks/static services/cds-hooks/static
USER node

# ---- HTTP service -----------------------------------------------------------------------------
FROM runtime AS http
ENV PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/cds-hooks/dist/main.js"]

# ---- scorer worker (CPU) ----------------------------------------------------------------------
FROM runtime AS scorer
ENV METRICS_PORT=9464 SCORER_DEVICE=cpu
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/scorer/dist/worker-main.js"]

# ---- scorer worker (CUDA 12) ------------------------------------------------------------------
# Needs network at build time (the provider comes from nuget) and the NVIDIA container runtime at
# run time. SCORER_DEVICE=cuda fails fast when CUDA cannot load (auto would fall back to CPU).
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS scorer-gpu
ARG NODE_MAJOR=20
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
  && curl -fsSL https://deb.nodesource.com/setup_${NODE_MAJOR}.x | bash - \
  && apt-get install -y --no-install-recommends nodejs \
  && apt-get purge -y curl gnupg && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 1000 node
WORKDIR /app
ENV NODE_ENV=production
COPY --from=runtime --chown=node:node /app /app
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js
USER node
ENV METRICS_PORT=9464 SCORER_DEVICE=cuda
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/scorer/dist/worker-main.js"]
