"""to_char / to_timestamp / to_date cases for gen_fn_datetime.py."""


def fmt_cases(add, V, q):
    tss = ["2020-06-07 13:04:05.678912", "2021-01-01 00:00:00", "2020-12-31 23:59:59.5",
           "0044-03-15 12:00:00 BC", "0001-01-01 00:00:00 BC", "1999-01-03 09:08:07",
           "12345-06-07 01:02:03", "2019-12-30 12:00:00", "2000-02-29 00:00:00.000001",
           "infinity"]
    fmts = ["YYYY-MM-DD HH24:MI:SS", "YYYY-MM-DD HH24:MI:SS.MS", "YYYY-MM-DD\"T\"HH24:MI:SS.US",
            "DD/MM/YYYY", "Mon DD, YYYY", "Month DD, YYYY", "FMMonth FMDD, YYYY",
            "MONTH month Month", "MON mon Mon", "Day DY dy day DAY FMDay",
            "HH12:MI AM", "HH:MI:SS pm", "hh12:mi a.m.", "HH24 P.M.", "DDD IDDD D ID",
            "IW WW W Q", "IYYY IYY IY I", "YYY YY Y", "Y,YYY", "CC cc", "J", "SSSS SSSSS",
            "FF1 FF2 FF3 FF4 FF5 FF6", "DDth DDTH FMDDth MMth", "YYYYth", "BC AD B.C. bc a.d.",
            "RM rm FMRM", "TZ tz", "TZH:TZM OF", "\"quoted YYYY\" YYYY", "YYYY\\\"MM",
            "FX YYYY", "yyyy-mm-dd hh24:mi:ss", "Q\"Q\" Dth", "\"\"", "FMHH12:FMMI FMSS",
            "FMDDD FMIW FMWW", "HHTH", "  YYYY  ", "YYYY-MM-DD HH24:MI:SS TZ",
            "TMMonth", "DDSP", "%Y-%m-%d"]
    for t in tss:
        for f in fmts:
            add("to_char(%s, %s)" % (V("timestamp", t)[0], q(f)),
                "pg_timestamp_to_char(%s, %s)" % (V("timestamp", t)[1], q(f)))
    for t in ["2020-06-07 13:04:05.678912+00", "0044-03-15 12:00:00+00 BC", "infinity"]:
        for f in ["YYYY-MM-DD HH24:MI:SS TZ", "TZ tz", "TZH:TZM", "OF FMOF", "Day, DD Mon YYYY"]:
            add("to_char(%s, %s)" % (V("timestamptz", t)[0], q(f)),
                "pg_timestamptz_to_char(%s, %s)" % (V("timestamptz", t)[1], q(f)))
    add("to_char('2020-06-07'::timestamp, '')", "pg_timestamp_to_char(pg_timestamp_in('2020-06-07'), '')")
    for i in ["1 year 2 mons 3 days 04:05:06.789", "-1 year -2 mons -3 days -04:05:06.789",
              "100:00:00", "00:00:00", "-00:00:01.5", "25 days 13:00", "13 mons"]:
        for f in ["HH24:MI:SS", "HH:MI:SS.MS", "HH12", "DD \"days\" HH24:MI", "YYYY-MM-DD",
                  "FMHH24", "SSSS", "US", "MM", "YY Y YYY", "Mon", "Day", "TZ", "AM", "IW",
                  "DDD", "CC"]:
            add("to_char(%s, %s)" % (V("interval", i)[0], q(f)),
                "pg_interval_to_char(%s, %s)" % (V("interval", i)[1], q(f)))
    ins = [("2020-06-07 13:04:05", "YYYY-MM-DD HH24:MI:SS"),
           ("2020-06-07 01:04:05 PM", "YYYY-MM-DD HH12:MI:SS AM"),
           ("2020-06-07 12:04:05 am", "YYYY-MM-DD HH:MI:SS PM"),
           ("07/06/2020", "DD/MM/YYYY"), ("Jun 07 2020", "Mon DD YYYY"),
           ("June 7, 2020", "Month DD, YYYY"), ("JUNE 7 2020", "MONTH DD YYYY"),
           ("20200607", "YYYYMMDD"), ("2020-06-07 13:04:05.5", "YYYY-MM-DD HH24:MI:SS.MS"),
           ("2020-06-07 13:04:05.123456", "YYYY-MM-DD HH24:MI:SS.US"),
           ("2020-06-07 13:04:05.12", "YYYY-MM-DD HH24:MI:SS.FF2"),
           ("20-06-07", "YY-MM-DD"), ("70-06-07", "YY-MM-DD"), ("69-06-07", "YY-MM-DD"),
           ("0044-03-15 BC", "YYYY-MM-DD BC"), ("44-03-15 BC", "YYYY-MM-DD BC"),
           ("2020 159", "YYYY DDD"), ("2459008", "J"), ("Sunday 2020-06-07", "Day YYYY-MM-DD"),
           ("Sun 2020-06-07", "Dy YYYY-MM-DD"), ("2020-13-07", "YYYY-MM-DD"),
           ("2020-02-30", "YYYY-MM-DD"), ("2020-06-07 25:00", "YYYY-MM-DD HH24:MI"),
           ("2020-06-07 13:00", "YYYY-MM-DD HH12:MI"), ("x", "YYYY"), ("2020", "YYYY"),
           ("2020-06", "YYYY-MM"), ("  2020-06-07", "YYYY-MM-DD"), ("2020  06 07", "YYYY MM DD"),
           ("2020/06/07", "YYYY-MM-DD"), ("2020-06-07", "YYYY/MM/DD"),
           ("2020-06-07T13:04", "YYYY-MM-DD\"T\"HH24:MI"), ("2020-6-7", "YYYY-MM-DD"),
           ("2020-6-7", "FMYYYY-FMMM-FMDD"), ("05:06:07", "HH24:MI:SS"),
           ("2020-06-07 13:04:05", "YYYY-MM-DD HH24:MI:SS TZ"), ("2020-06-07", "IYYY-IW-ID"),
           ("2020-06-07 noon", "YYYY-MM-DD TMMonth"), ("12345-06-07", "YYYY-MM-DD"),
           ("2020-06-07 13:04:05+02", "YYYY-MM-DD HH24:MI:SSTZH"), ("99", "YYYY"),
           ("2020-06-07", "YYYY-MM-DD HH24"), ("2020-Jun-07", "YYYY-Mon-DD"),
           ("2020-Foo-07", "YYYY-Mon-DD"), ("20200607 130405", "YYYYMMDD HH24MISS"),
           ("2020 06 07", "YYYY-MM-DD"), ("2020--06-07", "YYYY-MM-DD"), ("2020-06-07", "YYYYMMDD"),
           ("2020607", "YYYYMMDD"), ("2020-06-07 1:2:3", "YYYY-MM-DD HH24:MI:SS"),
           ("1 Jan 2020", "DD Mon YYYY"), ("01-JAN-2020", "DD-MON-YYYY"), ("jan 1 2020", "mon dd yyyy"),
           ("2020-06-07 13:04:05.1234567", "YYYY-MM-DD HH24:MI:SS.US"), ("12:30 PM", "HH:MI AM"),
           ("12:30 AM", "HH:MI AM"), ("00:30 AM", "HH:MI AM"), ("2020-06-07", "FXYYYY-MM-DD"),
           ("2020 -06-07", "FXYYYY-MM-DD"), ("2020-06-07 garbage", "YYYY-MM-DD"),
           ("20-6-7", "YY-MM-DD"), ("120-06-07", "YYY-MM-DD"), ("5-06-07", "Y-MM-DD"),
           ("600-06-07", "YYY-MM-DD"), ("2020 Sunday", "YYYY Day"), ("2020-06-07", "YYYY-DD-MM"),
           ("2020-06-07", "YYYY-MM-DD-HH24"), ("0000-01-01", "YYYY-MM-DD"),
           ("-44-03-15", "YYYY-MM-DD"), ("2020.159", "YYYY.DDD"), ("2020-06-07", "YYYY-MM-DD BC"),
           ("2020-06-07 AD", "YYYY-MM-DD BC"), ("2020-06-07 b.c.", "YYYY-MM-DD B.C."),
           ("2020-+6-07", "YYYY-MM-DD"), ("2020-06-07 13:04:05.5", "YYYY-MM-DD HH24:MI:SS.FF3"),
           ("2020-06-07 13:04:05", "YYYY-MM-DD HH24:MI"), ("1999 2", "YYYY MM"),
           ("2020x06x07", "YYYYxMMxDD"), ("2020 x 06", "YYYY x MM"), ("  2020  ", "  YYYY"),
           ("2020-06-07 13:04", "YYYY-MM-DD  HH24:MI"), ("2020-06-07", "\"Y\"YYYY-MM-DD"),
           ("Y2020-06-07", "\"Y\"YYYY-MM-DD"), ("2020-06-07 12:00 P.M.", "YYYY-MM-DD HH:MI P.M."),
           ("2020-06-31", "YYYY-MM-DD"), ("2020-06-07 13:04:60", "YYYY-MM-DD HH24:MI:SS"),
           ("2020-Jun-07", "YYYY-MONTH-DD"), ("2020-June-07", "YYYY-Mon-DD"),
           ("2020-06-07 13", "YYYY-MM-DD HH"), ("2020", "YYYYMM"), ("202", "YYYY")]
    for src, f in ins:
        add("to_timestamp(%s, %s)" % (q(src), q(f)), "pg_to_timestamp(%s, %s)" % (q(src), q(f)))
        add("to_date(%s, %s)" % (q(src), q(f)), "pg_to_date(%s, %s)" % (q(src), q(f)))
