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
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ ./cmd/... \
 && mkdir -p /rootfs/data /rootfs/etc \
 && echo 'mockteamtailor:x:65532:65532:mockteamtailor:/data:/sbin/nologin' > /rootfs/etc/passwd \
 && echo 'mockteamtailor:x:65532:' > /rootfs/etc/group

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /rootfs/etc/passwd /rootfs/etc/group /etc/
COPY --from=build --chown=65532:65532 /rootfs/data /data
COPY --from=build /out/ /usr/local/bin/
ENV PATH=/usr/local/bin
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["mockteamtailor"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
