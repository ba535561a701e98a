/*
 * A report given to `drydock diff`: the loader, then every renderer on
 * whatever the loader accepted (renderers must not trust the shape).
 */
#include "fuzz.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *r = NULL;
	const char *path = fuzz_file("report.json", data, size);
	if (report_load(path, &r) == 0 && r) {
		free(report_render_json(r));
		free(report_render_markdown(r));
		free(report_render_html(r));
	}
	cJSON_Delete(r);
	return 0;
}
