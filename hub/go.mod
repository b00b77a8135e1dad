module presencehub.dev/hub

go 1.26.7

require presencehub.dev/shared v0.0.0

replace presencehub.dev/shared => ../shared
