# syntax=docker/dockerfile:1
# Multi-stage build of the mockteamtailor binaries. The build stage uses the
# same go build command as the README; the final image holds only the static
# binaries, CA certificates and a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/ ./cmd/... \
 && mkdir -p /rootfs/data /rootfs/etc \
 && echo 'mockteamtailor:x:65532:65532:mockteamtailor:/data:/sbin/nologin' > /rootfs/etc/passwd \
 && echo 'mockteamtailor:x:65532:' > /rootfs/etc/group

FROM scratch
ARG VERSION=dev
ARG COMMIT=
LABEL org.opencontainers.image.title="mockteamtailor" \
      org.opencontainers.image.description="A fake Teamtailor for partner integrations, and the partner conformance suite (ttconformance, examplepartner)" \
      org.opencontainers.image.source="https://github.com/mockteamtailor/mockteamtailor" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /rootfs/etc/passwd /rootfs/etc/group /etc/
COPY --from=build --chown=65532:65532 /rootfs/data /data
COPY --from=build /out/ /usr/local/bin/
ENV PATH=/usr/local/bin
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 8080
# The mock's /healthz, asked by the binary itself (the image has no shell
# or curl). It checks serve on its default port; other commands (the
# suite, the example partner) run with --no-healthcheck or their own.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["mockteamtailor", "health", "--mock", "http://127.0.0.1:8080"]
ENTRYPOINT ["mockteamtailor"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
